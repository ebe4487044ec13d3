import { DelayedError, RateLimitError, type Job } from "bullmq";
import type { NotificationQueue } from "../../core/notifications/notification-service.ts";
import type { Transport } from "../../core/users/user-model.ts";
import type { Config } from "../../core/config/load-config.ts";
import { SendRate } from "./send-rate.ts";
import type { JobContext, QueueDefinition, QueueRegistry } from "../queue-registry.ts";
import { AppError } from "../../core/errors/app-error.ts";

export const NOTIFY_QUEUES: Record<Transport, string> = {
  telegram: "notify-telegram",
  viber: "notify-viber",
  sandbox: "notify-sandbox",
};

export type DeliveryOutcome = "sent" | "unreachable" | "uncertain" | "already_done" | "missing" | "skipped";

/**
 * Delivers one notification. Never twice: just before the platform call the
 * job claims the notification's one send (an insert under its key); a job
 * that finds it claimed (sent, given up, or its process died mid-send) does
 * not send it again, and a send whose answer never came (a timeout after the
 * request left) is recorded `uncertain`. Only a send that surely did not go out (connection
 * refused, a 5xx answer) gives the claim back and is retried. A 429 pauses the
 * queue for `retry_after`; a person who blocked the bot is marked unreachable.
 */
export async function deliverNotification(job: Job<{ key: string }>, ctx: JobContext): Promise<DeliveryOutcome> {
  const { core, redis, config, senders } = ctx.deps;
  const notifications = core.notifier;
  const key = job.data.key;
  const start = await notifications.startDelivery(key);
  if (start.kind === "uncertain")
    ctx.logger.warn({ key }, "notification was in flight when its worker stopped; not sending again");
  if (start.kind !== "ready") return start.kind;
  const { doc, identity, user } = start;
  const sender = senders[doc.transport];
  if (sender === undefined) throw new AppError("no_sender", `no sender for ${doc.transport}`);

  // Telegram: about one message per second per chat.
  if (doc.transport === "telegram" && config.notifications.telegramChatIntervalMs > 0) {
    const slot = `${config.redis.prefix}:notify-chat:${identity._id}`;
    const free = await redis.set(slot, "1", "PX", config.notifications.telegramChatIntervalMs, "NX");
    if (free === null) {
      const wait = Math.max(50, await redis.pttl(slot));
      await job.moveToDelayed(Date.now() + wait, ctx.token);
      throw new DelayedError();
    }
  }

  // The platform's overall rate, shared by every worker and by broadcasts.
  const rate = sendRate(ctx.deps, doc.transport);
  await rate.acquire();

  const claim = await notifications.claimSend(key);
  if (claim === "done") return "already_done";
  if (claim === "uncertain") {
    ctx.logger.warn({ key }, "a send of this notification already began; not sending again");
    return "uncertain";
  }
  let result;
  try {
    result = await sender.send(
      { channel: identity.channel, externalId: identity.externalId },
      {
        text: doc.text[user.language],
        imageUrl: doc.imageUrl ?? undefined,
        button:
          doc.button === null || doc.button === undefined
            ? undefined
            : { label: doc.button.label[user.language], data: doc.button.data },
      },
    );
  } catch (error) {
    await notifications.releaseSend(key);
    throw error;
  }
  switch (result.kind) {
    case "sent":
      await notifications.markSent(key);
      return "sent";
    case "unreachable":
      await notifications.markBlocked(key, identity._id);
      return "unreachable";
    case "uncertain":
      await notifications.markUncertain(key);
      ctx.logger.warn({ key, transport: doc.transport }, "no answer to a notification send; recorded uncertain");
      return "uncertain";
    case "rate_limited":
      await notifications.releaseSend(key);
      await rate.pause(result.retryAfterMs);
      await ctx.rateLimit(result.retryAfterMs);
      throw new RateLimitError();
  }
}

/** Sends per second each transport allows (configurable; the sandbox is local). */
export function ratePerSecond(config: Config, transport: Transport): number {
  return transport === "telegram"
    ? config.notifications.telegramPerSecond
    : transport === "viber"
      ? config.notifications.viberPerSecond
      : 50;
}

/** The shared slot schedule of one transport (notifications and broadcasts draw from the same budget). */
export function sendRate(deps: Pick<JobContext["deps"], "redis" | "config">, transport: Transport): SendRate {
  return new SendRate({
    redis: deps.redis,
    key: `${deps.config.redis.prefix}:send-rate:${transport}`,
    perSecond: ratePerSecond(deps.config, transport),
  });
}

/** One queue per transport; the pace comes from the shared send-rate schedule, not BullMQ's fixed windows. */
export function notifyQueues(): QueueDefinition<{ key: string }>[] {
  return (Object.keys(NOTIFY_QUEUES) as Transport[]).map((transport) => ({
    name: NOTIFY_QUEUES[transport],
    concurrency: 8,
    // A notification's record in the database says whether it was sent (a job queued again under its key sends
    // nothing), so a finished job need not stay a day: an hour, at most 1,000 per queue (Redis memory per person).
    defaultJobOptions: {
      attempts: 8,
      backoff: { type: "exponential", delay: 5_000 },
      removeOnComplete: { age: 3600, count: 1_000 },
    },
    process: deliverNotification,
  }));
}

/** The core NotificationQueue port on BullMQ: the notification key is the job id, so a key is queued once. */
export function bullmqNotificationQueue(queues: QueueRegistry): NotificationQueue {
  return {
    async enqueue(transport, key, delayMs) {
      await queues
        .get(NOTIFY_QUEUES[transport])
        .add("notify", { key }, { jobId: encodeURIComponent(key), delay: delayMs });
    },
    async enqueueMany(transport, keys, delayMs) {
      const queue = queues.get(NOTIFY_QUEUES[transport]);
      for (let i = 0; i < keys.length; i += 1000) {
        await queue.addBulk(
          keys.slice(i, i + 1000).map((key) => ({
            name: "notify",
            data: { key },
            opts: { jobId: encodeURIComponent(key), delay: delayMs },
          })),
        );
      }
    },
  };
}
