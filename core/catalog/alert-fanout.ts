import type { Redis } from "ioredis";
import type { KeyMove } from "../db/redis-key-moves.ts";
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
 * Job alerts, from a published job to each subscriber: once per person and job (a decision per person in a hash per
 * job, then an insert-once notification), at most `perDay` alerts per person per Yangon day; the rest wait in a
 * per-person list for the next morning's digest.
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
    const decisions = `${prefix}:alert-decided:${job._id}`;
    for (let i = 0; i < recipients.length; i += 1000) {
      const chunk = recipients.slice(i, i + 1000);
      // Each recipient is decided once per job: alerted now ("u", under the day's cap) or folded into tomorrow's digest
      // ("o"). A run that stops after deciding (a killed worker) leaves the decision; the next run carries it out
      // again, which changes nothing where it was already done (notifications are insert-once by key).
      const known = await redis.hmget(decisions, ...chunk.map((recipient) => recipient.userId));
      const fresh = chunk.filter((_, index) => known[index] === null);
      // The day's alert counts are one hash (one key: one pipeline, one slot on a Redis Cluster).
      const count = redis.pipeline();
      for (const recipient of fresh) count.hincrby(alertDayKey(prefix, day), recipient.userId, 1);
      count.expire(alertDayKey(prefix, day), TTL_SECONDS);
      const counts = (await count.exec()) ?? [];
      const decide = redis.pipeline();
      fresh.forEach((recipient, index) =>
        decide.hsetnx(decisions, recipient.userId, Number(counts[index]?.[1] ?? 0) <= perDay ? "u" : "o"),
      );
      decide.expire(decisions, 30 * 24 * 3600);
      await decide.exec();
      const decided = await redis.hmget(decisions, ...chunk.map((recipient) => recipient.userId));
      const under = chunk.filter((_, index) => decided[index] === "u");
      const over = chunk.filter((_, index) => decided[index] === "o");
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
        // Folded again on a repeated run: the digest lists each job once.
        const fold = redis.pipeline();
        for (const recipient of over) {
          fold
            .rpush(digestKey(prefix, day, recipient.userId), job._id)
            .expire(digestKey(prefix, day, recipient.userId), TTL_SECONDS);
          fold.sadd(digestUsersKey(prefix, day), recipient.userId);
        }
        fold.expire(digestUsersKey(prefix, day), TTL_SECONDS);
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
    for (const userId of await redis.smembers(digestUsersKey(prefix, day))) {
      const ids = [...new Set(await redis.lrange(digestKey(prefix, day, userId), 0, 39))].slice(0, 20);
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

/** A day's alert counts per person (one hash). */
export const alertDayKey = (prefix: string, day: string): string => `${prefix}:alert-day:{${day}}`;
/** A day's digest: who has one, and each one's jobs; one hash slot per day. */
const digestUsersKey = (prefix: string, day: string): string => `${prefix}:digest:{${day}}:users`;
const digestKey = (prefix: string, day: string, userId: string): string => `${prefix}:digest:{${day}}:${userId}`;

/** The day's digest keys before they carried the hash tag, and their new names (for the start-up move). */
export function digestKeyMoves(prefix: string): KeyMove[] {
  return [
    { family: `${prefix}:digest-users:`, to: (day) => digestUsersKey(prefix, day) },
    {
      family: `${prefix}:digest:`,
      to: (rest) => {
        const [day, userId] = rest.split(":");
        return day === undefined || userId === undefined ? undefined : digestKey(prefix, day, userId);
      },
    },
  ];
}
