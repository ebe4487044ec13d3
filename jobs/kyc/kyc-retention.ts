import { AuditLog } from "../../core/admin/audit-log.ts";
import { MediaVault } from "../../core/files/media-vault.ts";
import { KycService } from "../../core/kyc/kyc-service.ts";
import { Ledger } from "../../core/wallet/ledger.ts";
import { accountOf } from "../../core/wallet/wallet-service.ts";
import type { Connection } from "mongoose";
import type { Config } from "../../core/config/load-config.ts";
import { DEFAULT_JOB_OPTIONS, type QueueDefinition } from "../queue-registry.ts";

export const KYC_RETENTION_QUEUE = "kyc-retention";

/** The KYC service as workers build it: money set aside for a payout means a payout is in flight. */
export function workerKycService(config: Config, mongo: Connection): KycService {
  const ledger = new Ledger(mongo);
  return new KycService({
    connection: mongo,
    vault: new MediaVault({ connection: mongo, keys: config.encryptionKeys, storageDir: config.storageDir }),
    audit: new AuditLog(mongo),
    payoutInFlight: async (userId) => (await ledger.balance(accountOf(userId, "held"))) > 0,
  });
}

/** Deletes KYC documents whose retention period is over, every 6 hours (a BullMQ job scheduler). */
export function kycRetentionQueueDefinition(): QueueDefinition<Record<string, never>> {
  return {
    name: KYC_RETENTION_QUEUE,
    concurrency: 1,
    defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, removeOnComplete: { count: 20 } },
    schedule: { id: "kyc-retention", everyMs: 6 * 3600_000 },
    async process(_job, ctx) {
      const cleared = await workerKycService(ctx.deps.config, ctx.deps.mongo).applyRetention(
        ctx.deps.config.kyc.retentionDays,
      );
      ctx.logger.info({ cleared: cleared.length, days: ctx.deps.config.kyc.retentionDays }, "kyc retention applied");
      return cleared.length;
    },
  };
}
