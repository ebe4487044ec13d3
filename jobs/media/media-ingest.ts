import type { Job } from "bullmq";
import type { MediaQueue } from "../../core/files/media-vault.ts";
import { DEFAULT_JOB_OPTIONS, type JobContext, type QueueDefinition } from "../queue-registry.ts";
import type { QueueRegistry } from "../queue-registry.ts";

export const MEDIA_INGEST_QUEUE = "media-ingest";

/** Downloads, checks and encrypts one file; a refused file is the owner's to hear about, not a failure. */
export async function ingestMedia(job: Job<{ mediaId: string }>, ctx: JobContext): Promise<string> {
  const { core } = ctx.deps;
  const media = await core.media.vault.ingest(job.data.mediaId, core.files);
  if (media.status === "rejected") {
    await core.notifier.notify({
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
