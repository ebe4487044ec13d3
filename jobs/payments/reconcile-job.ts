import { DEFAULT_JOB_OPTIONS, type QueueDefinition, type QueueRegistry } from "../queue-registry.ts";

export const RECONCILE_QUEUE = "invoice-reconciliation";

/**
 * Looks up unpaid invoices with the gateways every 30 minutes (and when finance asks); settling releases the rewards
 * and tells everyone, through the same core (and so the same quiet hours) as a gateway callback does.
 */
export function reconcileQueueDefinition(): QueueDefinition<Record<string, never>> {
  return {
    name: RECONCILE_QUEUE,
    concurrency: 1,
    defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, removeOnComplete: { count: 50 } },
    schedule: { id: "invoice-reconciliation", everyMs: 30 * 60_000 },
    async process(_job, ctx) {
      const report = await ctx.deps.core.reconcile();
      ctx.logger.info(
        {
          settled: report.settled.length,
          expired: report.expired.length,
          manual: report.manual.length,
          errors: report.errors.length,
        },
        "invoices reconciled",
      );
      return report;
    },
  };
}

/** Finance's "check now": the same job, at once. */
export function bullmqReconcileQueue(queues: QueueRegistry): { now(): Promise<void> } {
  return {
    async now() {
      await queues.get(RECONCILE_QUEUE).add("now", {});
    },
  };
}
