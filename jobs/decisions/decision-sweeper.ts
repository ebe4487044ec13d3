import { DEFAULT_JOB_OPTIONS, type QueueDefinition } from "../queue-registry.ts";

export const DECISION_SWEEP_QUEUE = "decision-sweeper";

/**
 * Every minute, finishes decisions whose effect a crash cut off (the decision is recorded, its effect is not):
 * payouts (approve, reject, paid, failed), invoices paid, KYC submissions and reviews, account links, and
 * notifications recorded whose queueing failed. Each effect is idempotent (money moves once by its transaction key,
 * audit entries and notices once by the decision's key, a notification's job once by its id).
 */
export function decisionSweeperQueueDefinition(): QueueDefinition<Record<string, never>> {
  return {
    name: DECISION_SWEEP_QUEUE,
    concurrency: 1,
    defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, removeOnComplete: { count: 20 } },
    schedule: { id: "decision-sweeper", everyMs: 60_000 },
    async process(_job, ctx) {
      const { payouts, invoices, kyc, links, notifier } = ctx.deps.core;
      const finished = {
        payouts: await payouts.finishStuck(),
        invoices: await invoices.finishStuck(),
        kyc: await kyc.finishStuck(),
        links: await links.finishStuck(),
      };
      // Notifications recorded whose queueing a Redis outage cut off (queued again; their job ids keep them once);
      // all those not sent when Redis has lost its queues (no marker: a new or emptied Redis, a restore).
      const { redis, config } = ctx.deps;
      const marker = `${config.redis.prefix}:notify-queues-kept`;
      let requeued = await notifier.requeueStuck();
      if ((await redis.exists(marker)) === 0) {
        requeued += await notifier.requeueUnsent();
        await redis.set(marker, new Date().toISOString());
      }
      if (requeued > 0) ctx.logger.warn({ requeued }, "queued notifications again after a failed queueing");
      const count = Object.values(finished).reduce((sum, ids) => sum + ids.length, 0);
      if (count > 0) ctx.logger.warn({ finished }, "finished decisions a crash had left undone");
      return { finished: count };
    },
  };
}
