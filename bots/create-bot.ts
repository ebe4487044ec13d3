import type { Redis } from "ioredis";
import type { Connection } from "mongoose";
import type { Config } from "../core/config/load-config.ts";
import { ConversationStore } from "../core/conversations/conversation-store.ts";
import { AttemptCounter } from "../core/limits/attempt-counter.ts";
import { LinkService } from "../core/linking/link-service.ts";
import type { Logger } from "../core/logging/create-logger.ts";
import { UserService } from "../core/users/user-service.ts";
import { ChatGate } from "./engine/chat-gate.ts";
import { ConversationEngine } from "./engine/engine.ts";
import { createTranslator } from "../core/i18n/translator.ts";
import type { Action, Flow } from "./engine/contract.ts";
import type { BotServices } from "./engine/services.ts";
import { AuditLog } from "../core/admin/audit-log.ts";
import { userFigures } from "../core/admin/platform-stats.ts";
import { RoleService } from "../core/admin/role-service.ts";
import { BroadcastService, type BroadcastQueue } from "../core/broadcasts/broadcast-service.ts";
import { AlertService } from "../core/catalog/alert-service.ts";
import { CatalogService } from "../core/catalog/catalog-service.ts";
import { createFileFetcher } from "./channels/file-fetchers.ts";
import { addJobFlow } from "./flows/recruit/add-job-flow.ts";
import { companiesFlow } from "./flows/recruit/companies-flow.ts";
import { importJobsFlow } from "./flows/recruit/import-flow.ts";
import { manageJobFlow } from "./flows/recruit/manage-job-flow.ts";
import { recruitActions } from "./flows/recruit/recruit-actions.ts";
import { alertActions, alertsFlow } from "./flows/jobs/alerts-flow.ts";
import { alertTexts } from "./flows/jobs/alert-texts.ts";
import { jobActions, jobSearchFlow, savedJobsFlow } from "./flows/jobs/job-search-flow.ts";
import { NotificationService, type NotificationQueue } from "../core/notifications/notification-service.ts";
import { broadcastActions, broadcastFlow } from "./flows/admin/broadcast-flow.ts";
import { adminActions } from "./flows/admin/admin-actions.ts";
import { statsActions } from "./flows/admin/stats-action.ts";
import { userAdminActions, userAdminFlow } from "./flows/admin/user-admin-flow.ts";
import { helpAction, menuAction } from "./flows/help/help-action.ts";
import { inviteAction } from "./flows/invite/invite-action.ts";
import { languageActions } from "./flows/language/language-actions.ts";
import { linkAction, linkFlow } from "./flows/link/link-flow.ts";
import { mainMenu } from "./flows/onboarding/menu.ts";
import { MediaLinks } from "../core/files/media-links.ts";
import { MediaVault, type MediaQueue } from "../core/files/media-vault.ts";
import { readLeaderboard } from "../core/referrals/leaderboard.ts";
import { networkSizes } from "../core/referrals/network.ts";
import { ReferralService } from "../core/referrals/referral-service.ts";
import { RewardService } from "../core/referrals/reward-service.ts";
import { Ledger } from "../core/wallet/ledger.ts";
import { WalletService } from "../core/wallet/wallet-service.ts";
import { applyAction, applyFlow } from "./flows/referrals/apply-flow.ts";
import { myReferralsAction, withdrawAction, withdrawFlow } from "./flows/referrals/my-referrals.ts";
import { referAction, referFlow } from "./flows/referrals/refer-flow.ts";
import { installReferralNotices } from "./flows/referrals/referral-notices.ts";
import { reviewActions, reviewReferralsFlow } from "./flows/referrals/review-flow.ts";
import { displayNameAction, displayNameFlow, leaderboardAction } from "./flows/leaderboard/leaderboard-flow.ts";
import { networkAction } from "./flows/network/network-action.ts";
import { walletAction } from "./flows/wallet/wallet-action.ts";
import { KycService } from "../core/kyc/kyc-service.ts";
import { kycActions, kycDeleteFlow, kycFlow } from "./flows/kyc/kyc-flow.ts";
import { installKycNotices } from "./flows/kyc/kyc-notices.ts";
import { PayoutService } from "../core/payouts/payout-service.ts";
import { disbursementProvider } from "../core/payouts/disbursement.ts";
import { InvoiceService } from "../core/payments/invoice-service.ts";
import { installInvoiceNotices } from "./flows/payments/invoice-notices.ts";
import { PaymentLinks } from "../core/payments/payment-links.ts";
import { invoiceActions } from "./flows/payments/invoice-actions.ts";
import { financePayoutActions, financePayoutsFlow } from "./flows/payouts/finance-payouts-flow.ts";
import { installPayoutNotices } from "./flows/payouts/payout-notices.ts";
import { withdrawMoneyAction, withdrawMoneyFlow } from "./flows/payouts/withdraw-flow.ts";
import { kycReviewActions, kycReviewFlow } from "./flows/kyc/kyc-review-flow.ts";
import { handleStart } from "./flows/onboarding/start.ts";

export interface Bot {
  engine: ConversationEngine;
  services: BotServices;
}

export interface BotDeps {
  config: Config;
  mongo: Connection;
  redis: Redis;
  logger: Logger;
  now?: () => Date;
  /** Where notifications are queued (BullMQ in the web process). */
  notificationQueue: NotificationQueue;
  /** Where broadcasts are started (BullMQ in the web process). */
  broadcastQueue: BroadcastQueue;
  /** Where files people send are queued for encrypted intake (BullMQ in the web process). */
  mediaQueue: MediaQueue;
  /** Starts the invoice reconciliation at once (BullMQ in the web process). */
  reconcileQueue?: { now(): Promise<void> };
  /** Where a new job's alerts are queued (BullMQ in the web process). */
  alertQueue?: { jobPublished(data: ReturnType<typeof alertTexts>): Promise<void> };
  queueDepths?: BotServices["queueDepths"];
  /** Counts admin commands tried without the role. */
  onDenied?: (actionId: string) => void;
  /** More flows and actions, installed after the built-in ones (features under development, test probes). */
  plugins?: { flows?: Flow[]; actions?: Action[] };
}

/** Commands every channel understands (Telegram shows them in its menu). */
export const COMMANDS = ["start", "menu", "help", "myreferrals", "wallet", "language"] as const;

/**
 * Builds the conversation layer: core services, the engine, and every
 * feature's flows and actions, installed here in one place and in order.
 */
export async function createBot(deps: BotDeps): Promise<Bot> {
  const now = deps.now ?? (() => new Date());
  const users = new UserService(deps.mongo, now);
  const audit = new AuditLog(deps.mongo, now);
  const ownerIdentities = [
    ...deps.config.admins.telegramIds.map((id) => `tg:${id}`),
    ...deps.config.admins.viberIds.map((id) => `vb:${id}`),
  ];
  const catalog = new CatalogService({
    connection: deps.mongo,
    redis: deps.redis,
    prefix: deps.config.redis.prefix,
    logger: deps.logger,
  });
  const wallet = new WalletService(new Ledger(deps.mongo, now));
  const vault = new MediaVault({
    connection: deps.mongo,
    keys: deps.config.encryptionKeys,
    storageDir: deps.config.storageDir,
    now,
  });
  const kyc = new KycService({
    connection: deps.mongo,
    vault,
    audit,
    payoutInFlight: async (userId) => (await wallet.balances(userId)).held > 0,
    now,
  });
  const rewards = new RewardService({
    connection: deps.mongo,
    wallet,
    users,
    commissionBasisPoints: deps.config.referrals.commissionBasisPoints,
    now,
  });
  const services: BotServices = {
    users,
    conversations: new ConversationStore({
      redis: deps.redis,
      prefix: deps.config.redis.prefix,
      flowTtlMs: deps.config.bot.conversationTtlMs,
    }),
    links: new LinkService({
      connection: deps.mongo,
      users,
      attempts: new AttemptCounter({
        redis: deps.redis,
        prefix: `${deps.config.redis.prefix}:link-attempts`,
        max: 5,
        windowSeconds: 3600,
      }),
      now,
    }),
    translator: await createTranslator(),
    botLinks: { telegramUsername: deps.config.bot.telegramUsername, viberChatUri: deps.config.bot.viberChatUri },
    roles: new RoleService({ connection: deps.mongo, audit, ownerIdentities }),
    audit,
    notifier: new NotificationService({
      connection: deps.mongo,
      queue: deps.notificationQueue,
      quiet: deps.config.notifications.quietHours,
      now,
    }),
    broadcasts: new BroadcastService({ connection: deps.mongo, queue: deps.broadcastQueue, audit, now }),
    catalog,
    referrals: new ReferralService({
      connection: deps.mongo,
      redis: deps.redis,
      prefix: deps.config.redis.prefix,
      perDay: deps.config.referrals.perDay,
      catalog,
      users,
      rewards,
      now,
    }),
    rewards,
    wallet,
    network: { sizes: (userId) => networkSizes(deps.mongo, userId) },
    leaderboard: { read: (at) => readLeaderboard(deps.mongo, at) },
    media: {
      vault,
      queue: deps.mediaQueue,
      links: new MediaLinks({
        redis: deps.redis,
        prefix: deps.config.redis.prefix,
        baseUrl: deps.config.http.publicUrl ?? "",
      }),
    },
    kyc,
    payouts: new PayoutService({
      connection: deps.mongo,
      redis: deps.redis,
      prefix: deps.config.redis.prefix,
      wallet,
      limits: deps.config.payouts,
      audit,
      kycApproved: async (userId) => (await kyc.state(userId)).status === "approved",
      now,
    }),
    payoutProvider: disbursementProvider(deps.config.payouts.provider),
    reconcileNow: async () => deps.reconcileQueue?.now(),
    invoices: new InvoiceService({
      connection: deps.mongo,
      catalog,
      feePercent: deps.config.invoices.feePercent,
      dueDays: deps.config.invoices.dueDays,
      release: (referralId) => rewards.release(referralId),
      now,
    }),
    kycRetentionDays: deps.config.kyc.retentionDays,
    rewardRelease: deps.config.referrals.release,
    commissionBasisPoints: deps.config.referrals.commissionBasisPoints,
    alerts: new AlertService({ connection: deps.mongo, redis: deps.redis, prefix: deps.config.redis.prefix }),
    files: createFileFetcher(deps.config, deps.redis),
    queueDepths: deps.queueDepths ?? (async () => []),
    userFigures: (at) => userFigures(deps.mongo, at),
  };
  installReferralNotices(services);
  installKycNotices(services);
  installPayoutNotices(services);
  const links = new PaymentLinks({
    gateways: deps.config.gateways,
    publicUrl: deps.config.http.publicUrl,
    sandbox: deps.config.sandbox,
  });
  links.onQr = (invoiceId, qr) => services.invoices.setKbzQr(invoiceId, qr);
  installInvoiceNotices(services, deps.mongo, async (invoice) => {
    try {
      return await links.create(invoice);
    } catch (error) {
      // The invoice stands; finance forwards the link once the gateway answers (the notice says it follows).
      deps.logger.warn(
        { err: error, invoice: invoice._id, gateway: invoice.gateway },
        "could not create a payment link",
      );
      return null;
    }
  });
  if (deps.config.referrals.release === "invoice") {
    // A hire at a company that pays per hire gets its invoice; paying it releases the rewards.
    const notices = services.referrals.onChanged;
    services.referrals.onChanged = async (referral, move) => {
      if (referral.status === "hired") await services.invoices.createForHire(referral);
      await notices?.(referral, move);
    };
  }
  const alertQueue = deps.alertQueue;
  if (alertQueue !== undefined) {
    services.catalog.onPublished = async (job) => {
      const company = await services.catalog.findCompany(job.companyId);
      await alertQueue.jobPublished(
        alertTexts(job, company?.name ?? { en: "—", my: "—" }, services.translator, services.botLinks),
      );
    };
  }
  const engine = new ConversationEngine({
    services,
    gate: new ChatGate({ redis: deps.redis, prefix: deps.config.redis.prefix }),
    logger: deps.logger,
    flows: [
      withdrawMoneyFlow,
      financePayoutsFlow,
      kycFlow,
      kycDeleteFlow,
      kycReviewFlow,
      referFlow,
      applyFlow,
      withdrawFlow,
      displayNameFlow,
      reviewReferralsFlow,
      jobSearchFlow,
      savedJobsFlow,
      alertsFlow,
      addJobFlow,
      importJobsFlow,
      manageJobFlow,
      companiesFlow,
      linkFlow,
      userAdminFlow,
      broadcastFlow,
      ...(deps.plugins?.flows ?? []),
    ],
    actions: [
      menuAction,
      helpAction,
      ...invoiceActions,
      withdrawMoneyAction,
      ...financePayoutActions,
      ...kycActions,
      ...kycReviewActions,
      referAction,
      applyAction,
      myReferralsAction,
      withdrawAction,
      walletAction,
      networkAction,
      leaderboardAction,
      displayNameAction,
      ...reviewActions,
      ...jobActions,
      ...alertActions,
      inviteAction,
      linkAction,
      ...languageActions,
      ...adminActions,
      ...userAdminActions,
      ...statsActions,
      ...broadcastActions,
      ...recruitActions,
      ...(deps.plugins?.actions ?? []),
    ],
    menu: mainMenu,
    start: handleStart,
    commands: {
      menu: "menu",
      help: "help",
      language: "language",
      jobs: "jobs",
      saved: "saved",
      alerts: "alerts",
      admin: "admin",
      grant: "grant",
      revoke: "revoke",
      audit: "audit",
      user: "user",
      stats: "stats",
      broadcast: "broadcast",
      recruit: "recruit",
      job: "job",
      myreferrals: "myreferrals",
      wallet: "wallet",
      network: "network",
      leaderboard: "leaderboard",
      referrals: "referrals",
      release: "release",
      verify: "kyc",
      kyc: "kycreview",
      withdraw: "payout",
      payouts: "payouts",
      invoices: "invoices",
      billing: "billing",
    },
    conversationTtlMs: deps.config.bot.conversationTtlMs,
    now,
    onDenied: deps.onDenied,
  });
  return { engine, services };
}
