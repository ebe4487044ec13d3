import type { Job } from "bullmq";
import { untilYangonHour, yangonDay } from "../../core/admin/platform-stats.ts";
import { AlertService } from "../../core/catalog/alert-service.ts";
import { catalogModels, type JobDoc } from "../../core/catalog/catalog-models.ts";
import { REGIONS, townshipLabel } from "../../core/catalog/taxonomy.ts";
import { fillTemplate } from "../../core/broadcasts/broadcast-service.ts";
import { NotificationService } from "../../core/notifications/notification-service.ts";
import type { Language, Transport } from "../../core/users/user-model.ts";
import { bullmqNotificationQueue } from "../notifications/notify-queues.ts";
import type { JobContext, QueueDefinition, QueueRegistry } from "../queue-registry.ts";

export const JOB_ALERTS_QUEUE = "job-alerts";
export const ALERT_DIGEST_QUEUE = "alert-digest";
/** The digest of alerts over the daily cap goes out at this hour, Yangon time. */
export const DIGEST_HOUR = 8;

type Texts = Record<Language, string>;

export interface JobAlertData {
  jobId: string;
  /** The alert, per transport (the link differs) and language; rendered by the web side with i18n. */
  texts: Partial<Record<Transport, Texts>>;
  /** Digest header (`{{count}}`) and line (`{{title}}`, `{{place}}`) templates. */
  digest: { title: Texts; line: Texts };
}

const TTL_SECONDS = 3 * 24 * 3600;

/**
 * Tells each subscriber matching a new job, once (SADD per job is the
 * dedupe), at most `cap` alerts per person per Yangon day; the rest wait in a
 * per-person list for the next morning's digest.
 */
export async function fanOutJobAlerts(
  job: Job<JobAlertData>,
  ctx: JobContext,
): Promise<{ alerted: number; folded: number }> {
  const { mongo, redis, config, queues } = ctx.deps;
  const jobDoc = await catalogModels(mongo).Job.findById(job.data.jobId).lean<JobDoc>().exec();
  if (jobDoc === null || jobDoc.status !== "open") return { alerted: 0, folded: 0 };
  const alerts = new AlertService({ connection: mongo, redis, prefix: config.redis.prefix });
  const notifier = new NotificationService({
    connection: mongo,
    queue: bullmqNotificationQueue(queues),
    quiet: config.notifications.quietHours,
  });
  const day = yangonDay(new Date());
  const prefix = config.redis.prefix;
  const recipients = await alerts.recipients(jobDoc);
  let alerted = 0;
  let folded = 0;
  for (let i = 0; i < recipients.length; i += 1000) {
    const chunk = recipients.slice(i, i + 1000);
    const claim = redis.pipeline();
    for (const recipient of chunk) claim.sadd(`${prefix}:alert-sent:${jobDoc._id}`, recipient.userId);
    claim.expire(`${prefix}:alert-sent:${jobDoc._id}`, 30 * 24 * 3600);
    const claimed = (await claim.exec()) ?? [];
    const fresh = chunk.filter((_, index) => claimed[index]?.[1] === 1);
    const count = redis.pipeline();
    for (const recipient of fresh)
      count
        .incr(`${prefix}:alert-day:${day}:${recipient.userId}`)
        .expire(`${prefix}:alert-day:${day}:${recipient.userId}`, TTL_SECONDS);
    const counts = (await count.exec()) ?? [];
    const under = fresh.filter((_, index) => Number(counts[index * 2]?.[1] ?? 0) <= config.alerts.perDay);
    const over = fresh.filter((_, index) => Number(counts[index * 2]?.[1] ?? 0) > config.alerts.perDay);
    alerted += await notifier.notifyMany(
      under.flatMap((recipient) => {
        const text = job.data.texts[recipient.transport];
        return text === undefined
          ? []
          : [
              {
                key: `alert:${jobDoc._id}:${recipient.userId}`,
                userId: recipient.userId,
                identityKey: recipient.identityKey,
                transport: recipient.transport,
                text,
              },
            ];
      }),
    );
    if (over.length > 0) {
      const fold = redis.pipeline();
      for (const recipient of over) {
        fold
          .rpush(`${prefix}:digest:${day}:${recipient.userId}`, jobDoc._id)
          .expire(`${prefix}:digest:${day}:${recipient.userId}`, TTL_SECONDS);
        fold.sadd(`${prefix}:digest-users:${day}`, recipient.userId);
      }
      fold.expire(`${prefix}:digest-users:${day}`, TTL_SECONDS);
      await fold.exec();
      folded += over.length;
      await queues
        .get(ALERT_DIGEST_QUEUE)
        .add(
          "digest",
          { day, digest: job.data.digest },
          { jobId: `digest-${day}`, delay: untilYangonHour(new Date(), DIGEST_HOUR) },
        );
    }
  }
  ctx.logger.info({ jobId: jobDoc._id, recipients: recipients.length, alerted, folded }, "job alerts fanned out");
  return { alerted, folded };
}

/** The morning digest: one message per person listing the jobs that went over yesterday's cap. */
export async function sendDigest(
  job: Job<{ day: string; digest: JobAlertData["digest"] }>,
  ctx: JobContext,
): Promise<number> {
  const { mongo, redis, config, queues } = ctx.deps;
  const prefix = config.redis.prefix;
  const notifier = new NotificationService({
    connection: mongo,
    queue: bullmqNotificationQueue(queues),
    quiet: undefined,
  });
  const jobs = new Map<string, JobDoc | null>();
  const place = (doc: JobDoc, language: Language) =>
    `${townshipLabel(doc.region, doc.township)?.[language] ?? doc.township}, ${REGIONS[doc.region].name[language]}`;
  let sent = 0;
  for (const userId of await redis.smembers(`${prefix}:digest-users:${job.data.day}`)) {
    const ids = await redis.lrange(`${prefix}:digest:${job.data.day}:${userId}`, 0, 19);
    const docs: JobDoc[] = [];
    for (const id of ids) {
      if (!jobs.has(id)) jobs.set(id, await catalogModels(mongo).Job.findById(id).lean<JobDoc>().exec());
      const doc = jobs.get(id);
      if (doc !== null && doc !== undefined) docs.push(doc);
    }
    if (docs.length === 0) continue;
    const text = (language: Language) =>
      [
        fillTemplate(job.data.digest.title[language], { count: docs.length }),
        ...docs.map((doc) =>
          fillTemplate(job.data.digest.line[language], { title: doc.title[language], place: place(doc, language) }),
        ),
      ].join("\n");
    const result = await notifier.notify({
      userId,
      key: `digest:${job.data.day}:${userId}`,
      text: { en: text("en"), my: text("my") },
    });
    if (result === "queued") sent++;
  }
  return sent;
}

export function alertQueueDefinitions(): [
  QueueDefinition<JobAlertData>,
  QueueDefinition<{ day: string; digest: JobAlertData["digest"] }>,
] {
  return [
    { name: JOB_ALERTS_QUEUE, concurrency: 2, process: fanOutJobAlerts },
    { name: ALERT_DIGEST_QUEUE, concurrency: 1, process: sendDigest },
  ];
}

/** Queues the fan-out for a newly published job (the job id makes it once per job). */
export function bullmqAlertQueue(queues: QueueRegistry) {
  return {
    async jobPublished(data: JobAlertData): Promise<void> {
      await queues.get(JOB_ALERTS_QUEUE).add("fan-out", data, { jobId: `alerts-${data.jobId}` });
    },
  };
}
