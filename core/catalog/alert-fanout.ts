import type { Redis } from "ioredis";
import { fillTemplate } from "../broadcasts/broadcast-service.ts";
import type { NotificationService } from "../notifications/notification-service.ts";
import type { Language } from "../users/user-model.ts";
import { untilYangonHour, yangonDay } from "../values/yangon-time.ts";
import type { AlertService } from "./alert-service.ts";
import type { JobAlertData } from "./alert-texts.ts";
import type { JobDoc } from "./catalog-models.ts";
import type { CatalogService } from "./catalog-service.ts";
import { placeLabel } from "./taxonomy.ts";

/** The digest of alerts over the daily cap goes out at this hour, Yangon time. */
export const DIGEST_HOUR = 8;
const TTL_SECONDS = 3 * 24 * 3600;

export type DigestData = { day: string; digest: JobAlertData["digest"] };

/** Where work of the alert pipeline is queued (BullMQ in jobs/). */
export interface AlertQueue {
  /** Fans out a new job's alerts (once per job). */
  jobPublished(data: JobAlertData): Promise<void>;
  /** Sends the day's digest after `delayMs` (once per day). */
  digestLater(data: DigestData, delayMs: number): Promise<void>;
}

/**
 * Job alerts, from a published job to each subscriber: once per person and job (SADD per job is the dedupe), at most
 * `perDay` alerts per person per Yangon day; the rest wait in a per-person list for the next morning's digest.
 */
export class AlertFanOut {
  private readonly options: {
    alerts: AlertService;
    catalog: Pick<CatalogService, "findJob">;
    notifier: NotificationService;
    queue: AlertQueue;
    redis: Redis;
    prefix: string;
    perDay: number;
    now: () => Date;
  };

  constructor(options: AlertFanOut["options"]) {
    this.options = options;
  }

  async fanOut(data: JobAlertData): Promise<{ alerted: number; folded: number; recipients: number }> {
    const { alerts, catalog, notifier, redis, prefix, perDay } = this.options;
    const job = await catalog.findJob(data.jobId);
    if (job === null || job.status !== "open") return { alerted: 0, folded: 0, recipients: 0 };
    const day = yangonDay(this.options.now());
    const recipients = await alerts.recipients(job);
    let alerted = 0;
    let folded = 0;
    for (let i = 0; i < recipients.length; i += 1000) {
      const chunk = recipients.slice(i, i + 1000);
      const claim = redis.pipeline();
      for (const recipient of chunk) claim.sadd(`${prefix}:alert-sent:${job._id}`, recipient.userId);
      claim.expire(`${prefix}:alert-sent:${job._id}`, 30 * 24 * 3600);
      const claimed = (await claim.exec()) ?? [];
      const fresh = chunk.filter((_, index) => claimed[index]?.[1] === 1);
      const count = redis.pipeline();
      for (const recipient of fresh)
        count
          .incr(`${prefix}:alert-day:${day}:${recipient.userId}`)
          .expire(`${prefix}:alert-day:${day}:${recipient.userId}`, TTL_SECONDS);
      const counts = (await count.exec()) ?? [];
      const under = fresh.filter((_, index) => Number(counts[index * 2]?.[1] ?? 0) <= perDay);
      const over = fresh.filter((_, index) => Number(counts[index * 2]?.[1] ?? 0) > perDay);
      alerted += await notifier.notifyMany(
        under.flatMap((recipient) => {
          const text = data.texts[recipient.transport];
          return text === undefined
            ? []
            : [
                {
                  key: `alert:${job._id}:${recipient.userId}`,
                  userId: recipient.userId,
                  identityKey: recipient.identityKey,
                  transport: recipient.transport,
                  text,
                  button: data.button,
                },
              ];
        }),
      );
      if (over.length > 0) {
        const fold = redis.pipeline();
        for (const recipient of over) {
          fold
            .rpush(`${prefix}:digest:${day}:${recipient.userId}`, job._id)
            .expire(`${prefix}:digest:${day}:${recipient.userId}`, TTL_SECONDS);
          fold.sadd(`${prefix}:digest-users:${day}`, recipient.userId);
        }
        fold.expire(`${prefix}:digest-users:${day}`, TTL_SECONDS);
        await fold.exec();
        folded += over.length;
        await this.options.queue.digestLater(
          { day, digest: data.digest },
          untilYangonHour(this.options.now(), DIGEST_HOUR),
        );
      }
    }
    return { alerted, folded, recipients: recipients.length };
  }

  /** The morning digest: one message per person listing the jobs that went over the day's cap. */
  async sendDigest({ day, digest }: DigestData): Promise<number> {
    const { catalog, notifier, redis, prefix } = this.options;
    const jobs = new Map<string, JobDoc | null>();
    let sent = 0;
    for (const userId of await redis.smembers(`${prefix}:digest-users:${day}`)) {
      const ids = await redis.lrange(`${prefix}:digest:${day}:${userId}`, 0, 19);
      const docs: JobDoc[] = [];
      for (const id of ids) {
        if (!jobs.has(id)) jobs.set(id, await catalog.findJob(id));
        const doc = jobs.get(id);
        if (doc !== null && doc !== undefined) docs.push(doc);
      }
      if (docs.length === 0) continue;
      const text = (language: Language) =>
        [
          fillTemplate(digest.title[language], { count: docs.length }),
          ...docs.map((doc) =>
            fillTemplate(digest.line[language], {
              title: doc.title[language],
              place: placeLabel(doc.region, doc.township, language),
            }),
          ),
        ].join("\n");
      const result = await notifier.notify({
        userId,
        key: `digest:${day}:${userId}`,
        text: { en: text("en"), my: text("my") },
      });
      if (result === "queued") sent++;
    }
    return sent;
  }
}
