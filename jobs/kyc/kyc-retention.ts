import { DEFAULT_JOB_OPTIONS, type QueueDefinition } from "../queue-registry.ts";

export const KYC_RETENTION_QUEUE = "kyc-retention";

/** Deletes KYC documents whose retention period is over, every 6 hours (a BullMQ job scheduler). */
export function kycRetentionQueueDefinition(): QueueDefinition<Record<string, never>> {
  return {
    name: KYC_RETENTION_QUEUE,
    concurrency: 1,
    defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, removeOnComplete: { count: 20 } },
    schedule: { id: "kyc-retention", everyMs: 6 * 3600_000 },
    async process(_job, ctx) {
      const { core } = ctx.deps;
      const cleared = await core.kyc.applyRetention(core.kycRetentionDays);
      ctx.logger.info({ cleared: cleared.length, days: core.kycRetentionDays }, "kyc retention applied");
      return cleared.length;
    },
  };
}
