import { CatalogService } from "../../core/catalog/catalog-service.ts";
import { createTranslator, type Translator } from "../../core/i18n/translator.ts";
import { NotificationService } from "../../core/notifications/notification-service.ts";
import { GatewayStatusQuery, SandboxStatusQuery } from "../../core/payments/status-query.ts";
import { invoiceNotices } from "../../core/payments/invoice-notices.ts";
import { InvoiceService } from "../../core/payments/invoice-service.ts";
import { reconcileInvoices } from "../../core/payments/reconciliation.ts";
import { statusQueryFor } from "../../core/payments/combined-status-query.ts";
import { rewardNotices } from "../../core/referrals/reward-notices.ts";
import { RewardService } from "../../core/referrals/reward-service.ts";
import { UserService } from "../../core/users/user-service.ts";
import { Ledger } from "../../core/wallet/ledger.ts";
import { WalletService } from "../../core/wallet/wallet-service.ts";
import { bullmqNotificationQueue } from "../notifications/notify-queues.ts";
import { DEFAULT_JOB_OPTIONS, type QueueDefinition, type QueueRegistry } from "../queue-registry.ts";

export const RECONCILE_QUEUE = "invoice-reconciliation";

let translator: Promise<Translator> | undefined;

/**
 * Looks up unpaid invoices with the gateways every 30 minutes (and when finance asks); settling releases the rewards
 * and tells everyone.
 */
export function reconcileQueueDefinition(): QueueDefinition<Record<string, never>> {
  return {
    name: RECONCILE_QUEUE,
    concurrency: 1,
    defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, removeOnComplete: { count: 50 } },
    schedule: { id: "invoice-reconciliation", everyMs: 30 * 60_000 },
    async process(_job, ctx) {
      const { config, mongo, redis, queues } = ctx.deps;
      translator ??= createTranslator();
      const notifier = new NotificationService({
        connection: mongo,
        queue: bullmqNotificationQueue(queues),
        quiet: undefined,
      });
      const catalog = new CatalogService({ connection: mongo, redis, prefix: config.redis.prefix, logger: ctx.logger });
      const rewards = new RewardService({
        connection: mongo,
        wallet: new WalletService(new Ledger(mongo)),
        users: new UserService(mongo),
        commissionBasisPoints: config.referrals.commissionBasisPoints,
      });
      const rewardTexts = rewardNotices(await translator, notifier);
      rewards.onReleased = rewardTexts.onReleased;
      const invoices = new InvoiceService({
        connection: mongo,
        catalog,
        feePercent: config.invoices.feePercent,
        dueDays: config.invoices.dueDays,
        release: (referralId) => rewards.release(referralId),
      });
      invoices.onPaid = invoiceNotices({
        connection: mongo,
        translator: await translator,
        notifier,
        catalog,
        paymentUrl: async () => null,
      }).onPaid;
      const query = statusQueryFor(
        config.sandbox ? new SandboxStatusQuery(redis, config.redis.prefix) : undefined,
        new GatewayStatusQuery(config.gateways),
      );
      const report = await reconcileInvoices(invoices, query, new Date());
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
