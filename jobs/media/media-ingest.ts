import type { Job } from "bullmq";
import { AppError } from "../../core/errors/app-error.ts";
import { MediaVault, type MediaQueue } from "../../core/files/media-vault.ts";
import { NotificationService } from "../../core/notifications/notification-service.ts";
import { bullmqNotificationQueue } from "../notifications/notify-queues.ts";
import { DEFAULT_JOB_OPTIONS, type JobContext, type QueueDefinition, type QueueRegistry } from "../queue-registry.ts";

export const MEDIA_INGEST_QUEUE = "media-ingest";

/** Downloads, checks and encrypts one file; a refused file is the owner's to hear about, not a failure. */
export async function ingestMedia(job: Job<{ mediaId: string }>, ctx: JobContext): Promise<string> {
  const { config, mongo, queues, files } = ctx.deps;
  if (files === undefined) throw new AppError("no_file_fetcher", "this worker cannot download files");
  const vault = new MediaVault({ connection: mongo, keys: config.encryptionKeys, storageDir: config.storageDir });
  const media = await vault.ingest(job.data.mediaId, files);
  if (media.status === "rejected") {
    const notifier = new NotificationService({
      connection: mongo,
      queue: bullmqNotificationQueue(queues),
      quiet: undefined,
    });
    await notifier.notify({
      userId: media.ownerId,
      key: `media:${media._id}:rejected`,
      text: media.rejectNotice,
      urgent: true,
    });
  }
  ctx.logger.info(
    { mediaId: media._id, status: media.status, reason: media.rejectReason, size: media.size },
    "media ingested",
  );
  return media.status;
}

export function mediaIngestQueueDefinition(): QueueDefinition<{ mediaId: string }> {
  return { name: MEDIA_INGEST_QUEUE, concurrency: 4, defaultJobOptions: DEFAULT_JOB_OPTIONS, process: ingestMedia };
}

/** The producer the bot uses: the media id is the whole payload and the job id. */
export function bullmqMediaQueue(queues: QueueRegistry): MediaQueue {
  return {
    async ingest(mediaId) {
      await queues.get(MEDIA_INGEST_QUEUE).add("ingest", { mediaId }, { jobId: mediaId });
    },
  };
}
