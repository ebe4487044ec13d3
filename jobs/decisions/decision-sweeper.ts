import { DEFAULT_JOB_OPTIONS, type QueueDefinition } from "../queue-registry.ts";

export const PAYOUT_SWEEP_QUEUE = "payout-sweeper";

/**
 * Every 5 minutes, finishes payout decisions whose effect a crash cut off (the decision is recorded, the ledger or
 * the status is not): the money moves once, the status follows, the person is told once.
 */
export function payoutSweeperQueueDefinition(): QueueDefinition<Record<string, never>> {
  return {
    name: PAYOUT_SWEEP_QUEUE,
    concurrency: 1,
    defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, removeOnComplete: { count: 20 } },
    schedule: { id: "payout-sweeper", everyMs: 5 * 60_000 },
    async process(_job, ctx) {
      const finished = await ctx.deps.core.payouts.finishStuck();
      if (finished.length > 0) ctx.logger.warn({ finished }, "finished payout decisions a crash had left undone");
      return { finished: finished.length };
    },
  };
}
