import type { Redis } from "ioredis";
import type { Connection } from "mongoose";
import { AuditLog } from "../admin/audit-log.ts";
import { RoleService } from "../admin/role-service.ts";
import { BroadcastService, type BroadcastQueue } from "../broadcasts/broadcast-service.ts";
import { AlertFanOut, type AlertQueue } from "../catalog/alert-fanout.ts";
import { AlertService } from "../catalog/alert-service.ts";
import { alertTexts } from "../catalog/alert-texts.ts";
import { CatalogService } from "../catalog/catalog-service.ts";
import type { Config } from "../config/load-config.ts";
import { ConversationStore } from "../conversations/conversation-store.ts";
import { EventHub } from "../events/event-hub.ts";
import type { FileFetcher } from "../files/file-fetcher.ts";
import { MediaLinks } from "../files/media-links.ts";
import { fileStore } from "../files/blob-store.ts";
import { MediaVault, type MediaQueue } from "../files/media-vault.ts";
import { createTranslator, type Translator } from "../i18n/translator.ts";
import { KycService } from "../kyc/kyc-service.ts";
import { subscribeKycNotices } from "../kyc/kyc-notices.ts";
import { AttemptCounter } from "../limits/attempt-counter.ts";
import { InboundLimiter } from "../limits/inbound-limiter.ts";
import type { BotLinks } from "../linking/bot-links.ts";
import { LinkService } from "../linking/link-service.ts";
import type { Logger } from "../logging/create-logger.ts";
import { NotificationService, type NotificationQueue } from "../notifications/notification-service.ts";
import { CallbackIntake, type PaymentStatusQuery } from "../payments/callback-intake.ts";
import { statusQueryFor } from "../payments/combined-status-query.ts";
import { subscribeInvoiceNotices } from "../payments/invoice-notices.ts";
import { InvoiceService } from "../payments/invoice-service.ts";
import { PaymentLinks } from "../payments/payment-links.ts";
import { reconcileInvoices, type ReconcileReport } from "../payments/reconciliation.ts";
import { GatewayStatusQuery, SandboxStatusQuery } from "../payments/status-query.ts";
import { disbursementProvider, type DisbursementProvider } from "../payouts/disbursement.ts";
import { subscribePayoutNotices } from "../payouts/payout-notices.ts";
import { PayoutService } from "../payouts/payout-service.ts";
import { computeLeaderboard, readLeaderboard, type LeaderboardDoc } from "../referrals/leaderboard.ts";
import { networkSizes } from "../referrals/network.ts";
import { subscribeReferralNotices } from "../referrals/referral-notices.ts";
import { ReferralService } from "../referrals/referral-service.ts";
import { RewardService } from "../referrals/reward-service.ts";
import { SupportService, type EscalationQueue } from "../support/support-service.ts";
import { MaintenanceService, type MaintenanceQueue } from "../maintenance/maintenance-service.ts";
import { PrivacyService } from "../privacy/privacy-service.ts";
import { BackupService } from "../backup/backup-service.ts";
import { BusinessCounters } from "../metrics/business-counters.ts";
import { moneyHeld, type MoneyHeld } from "../metrics/money-held.ts";
import { FinanceExports } from "../reports/finance-exports.ts";
import { StatsCharts } from "../reports/stats-charts.ts";
import { StatsFigures } from "../reports/stats-figures.ts";
import { userFigures, type UserFigures } from "../users/user-figures.ts";
import { UserService } from "../users/user-service.ts";
import type { UserCache } from "../users/user-cache.ts";
import { ActivityLog } from "../users/activity-days.ts";
import { Ledger } from "../wallet/ledger.ts";
import { WalletService } from "../wallet/wallet-service.ts";

/**
 * What the domain needs from outside it, each implemented where that is allowed: queues by BullMQ in `jobs/`, the
 * file fetcher by the channel adapters in `bots/`. Tests pass the same real implementations.
 */
export interface CorePorts {
  notificationQueue: NotificationQueue;
  broadcastQueue: BroadcastQueue;
  mediaQueue: MediaQueue;
  alertQueue: AlertQueue;
  /** The support desk's escalation steps (delayed BullMQ jobs), timed by the core's clock. */
  escalationQueue(now: () => Date): EscalationQueue;
  /** Maintenance windows' notice and end (delayed BullMQ jobs), timed by the core's clock. */
  maintenanceQueue(now: () => Date): MaintenanceQueue;
  /** Runs the invoice reconciliation at once (a BullMQ job in the worker). */
  reconcileQueue: { now(): Promise<void> };
  /** Downloads files people send (imports, CVs, KYC documents). */
  files: FileFetcher;
  /** Jobs per queue and state (for /stats). */
  queueDepths(): Promise<Array<{ queue: string; state: string; count: number }>>;
}

export interface CoreDeps {
  config: Config;
  mongo: Connection;
  redis: Redis;
  logger: Logger;
  /** The clock every service reads (tests pin it). */
  clock?: () => Date;
  ports: CorePorts;
  /** Who is writing, kept in memory between turns (started, with its subscription); without it every turn reads. */
  userCache?: UserCache;
}

/** Every domain service, built once per process by {@link createCore}. */
export interface Core {
  config: Config;
  events: EventHub;
  clock: () => Date;
  translator: Translator;
  botLinks: BotLinks;
  users: UserService;
  /** Days of activity, buffered in Redis; the worker writes them every few seconds. */
  activity: ActivityLog;
  conversations: ConversationStore;
  /** Each person's inbound rate (a flood is told to slow down, then dropped). */
  inbound: InboundLimiter;
  links: LinkService;
  roles: RoleService;
  audit: AuditLog;
  /** Tell someone something later, on their channel, within platform limits and quiet hours. */
  notifier: NotificationService;
  broadcasts: BroadcastService;
  /** Companies, jobs, saved jobs and search. */
  catalog: CatalogService;
  alerts: AlertService;
  alertFanOut: AlertFanOut;
  files: FileFetcher;
  referrals: ReferralService;
  rewards: RewardService;
  wallet: WalletService;
  network: { sizes(userId: string): Promise<number[]> };
  /** This month's leaderboard: read by people, recomputed hourly by a worker. */
  leaderboard: { read(now: Date): Promise<LeaderboardDoc | null>; compute(now: Date): Promise<LeaderboardDoc> };
  /** Encrypted files (CVs, KYC documents): intake, and short-lived links for those allowed to see them. */
  media: {
    vault: MediaVault;
    queue: MediaQueue;
    links: MediaLinks;
    /** A file someone sent: recorded, then fetched, checked and encrypted by the worker; returns its media id. */
    intake(input: Parameters<MediaVault["register"]>[0]): Promise<string>;
  };
  kyc: KycService;
  payouts: PayoutService;
  /** Where approved payouts go (manual or sandbox; an automated provider later). */
  payoutProvider: DisbursementProvider;
  /** Employer invoices per hire (when rewards are released by invoice). */
  invoices: InvoiceService;
  paymentLinks: PaymentLinks;
  /** Gateway callbacks: verified, stored raw, settled once. */
  callbacks: CallbackIntake;
  statusQuery: PaymentStatusQuery;
  /** Looks up unpaid invoices with the gateways now (the worker's scheduled job calls this). */
  reconcile(): Promise<ReconcileReport>;
  /** Runs the reconciliation now, in the worker. */
  reconcileNow(): Promise<void>;
  kycRetentionDays: number;
  /** How pending rewards become available. */
  rewardRelease: "finance" | "invoice";
  /** Network commission per level, in basis points of the bonus. */
  commissionBasisPoints: number[];
  /** Business counters for /metrics (shared by every process through Redis). */
  counters: BusinessCounters;
  /** The money gauges for /metrics. */
  moneyHeld(): Promise<MoneyHeld>;
  /** Backups of the database and the file store, and their restore. */
  backups: BackupService;
  /** Maintenance windows: the notice ahead, the notice during, callbacks settled after. */
  maintenance: MaintenanceService;
  /** A person's copy of their data and the deletion of their account. */
  privacy: PrivacyService;
  /** The help desk: tickets, agents, escalations, ratings. */
  support: SupportService;
  /** Finance and audit exports (tables for CSV or XLSX). */
  exports: FinanceExports;
  /** `/stats` charts (PNG) with their captions. */
  reports: StatsCharts;
  /** User figures for /stats. */
  userFigures(now: Date): Promise<UserFigures>;
  queueDepths: CorePorts["queueDepths"];
}

/**
 * The one composition root of the domain: builds every service once, wires the domain events, and returns a typed
 * {@link Core}. The web process and the worker process each call it once, so both behave the same (the same
 * notifier with the same quiet hours, the same subscribers). No service is constructed anywhere else.
 */
export async function createCore(deps: CoreDeps): Promise<Core> {
  const { config, mongo, redis, logger, ports } = deps;
  const clock = deps.clock ?? (() => new Date());
  const prefix = config.redis.prefix;
  const events = new EventHub(logger);
  const translator = await createTranslator();
  const botLinks: BotLinks = { telegramUsername: config.bot.telegramUsername, viberChatUri: config.bot.viberChatUri };

  const activity = new ActivityLog({ connection: mongo, redis, prefix });
  const users = new UserService(mongo, clock, events, { cache: deps.userCache, activity });
  const audit = new AuditLog(mongo, clock);
  const ownerIdentities = [
    ...config.admins.telegramIds.map((id) => `tg:${id}`),
    ...config.admins.viberIds.map((id) => `vb:${id}`),
  ];
  const roles = new RoleService({ users, audit, ownerIdentities });
  const notifier = new NotificationService({
    connection: mongo,
    users,
    queue: ports.notificationQueue,
    quiet: config.notifications.quietHours,
    now: clock,
  });
  const catalog = new CatalogService({ connection: mongo, redis, prefix, logger, events });
  const alerts = new AlertService({ connection: mongo, redis, prefix });
  const alertFanOut = new AlertFanOut({
    alerts,
    catalog,
    notifier,
    queue: ports.alertQueue,
    redis,
    prefix,
    perDay: config.alerts.perDay,
    now: clock,
  });
  const ledger = new Ledger(mongo, { now: clock, redis, prefix });
  const wallet = new WalletService(ledger);
  const vault = new MediaVault({
    connection: mongo,
    keys: config.encryptionKeys,
    storageDir: config.storageDir,
    store: fileStore(config),
    now: clock,
  });
  const kyc = new KycService({
    connection: mongo,
    vault,
    audit,
    payoutInFlight: (userId) => wallet.payoutInFlight(userId),
    events,
    now: clock,
  });
  const rewards = new RewardService({
    connection: mongo,
    wallet,
    users,
    commissionBasisPoints: config.referrals.commissionBasisPoints,
    events,
    now: clock,
  });
  const referrals = new ReferralService({
    connection: mongo,
    redis,
    prefix,
    perDay: config.referrals.perDay,
    catalog,
    users,
    rewards,
    events,
    now: clock,
  });
  const payouts = new PayoutService({
    connection: mongo,
    redis,
    prefix,
    wallet,
    limits: config.payouts,
    audit,
    kycApproved: async (userId) => (await kyc.state(userId)).status === "approved",
    events,
    now: clock,
  });
  const invoices = new InvoiceService({
    connection: mongo,
    catalog,
    feePercent: config.invoices.feePercent,
    dueDays: config.invoices.dueDays,
    release: (referralId) => rewards.release(referralId),
    events,
    now: clock,
  });
  const paymentLinks = new PaymentLinks({
    gateways: config.gateways,
    publicUrl: config.http.publicUrl,
    sandbox: config.sandbox,
    events,
  });
  const statusQuery = statusQueryFor(
    config.sandbox ? new SandboxStatusQuery(redis, prefix) : undefined,
    new GatewayStatusQuery(config.gateways),
  );
  // Each needs the other: callbacks are deferred during a window, and the window's end settles them.
  const maintenance: MaintenanceService = new MaintenanceService({
    connection: mongo,
    notifier,
    translator,
    audit,
    queue: ports.maintenanceQueue(clock),
    callbacks: () => callbacks,
    now: clock,
    logger,
  });
  const callbacks = new CallbackIntake({
    connection: mongo,
    invoices,
    gateways: config.gateways,
    query: statusQuery,
    deferWhile: async () => (await maintenance.active()) !== null,
  });

  // Rules that follow a decision, registered once here, so web and worker run the same ones in the same order.
  if (config.referrals.release === "invoice") {
    // A hire at a company that pays per hire gets its invoice; paying it releases the rewards.
    events.on("referral.hired", async ({ referral }) => void (await invoices.createForHire(referral)));
  }
  events.on("invoice.qr_issued", ({ invoiceId, qr }) => invoices.setKbzQr(invoiceId, qr));
  events.on("job.published", async ({ job }) => {
    const company = await catalog.findCompany(job.companyId);
    await ports.alertQueue.jobPublished(alertTexts(job, company?.name ?? { en: "—", my: "—" }, translator));
  });
  subscribeReferralNotices(events, { translator, notifier, catalog });
  subscribeKycNotices(events, { translator, notifier });
  const counters = new BusinessCounters(redis, prefix);
  counters.subscribe(events);
  subscribePayoutNotices(events, { translator, notifier, roles });
  subscribeInvoiceNotices(events, {
    translator,
    notifier,
    catalog,
    users,
    paymentUrl: async (invoice) => {
      try {
        return await paymentLinks.create(invoice);
      } catch (error) {
        // The invoice stands; finance forwards the link once the gateway answers (the notice says it follows).
        logger.warn({ err: error, invoice: invoice._id, gateway: invoice.gateway }, "could not create a payment link");
        return null;
      }
    },
  });

  return {
    config,
    events,
    clock,
    translator,
    botLinks,
    users,
    activity,
    inbound: new InboundLimiter({
      prefix,
      burst: config.inbound.burst,
      windowSeconds: config.inbound.windowSeconds,
    }),
    conversations: new ConversationStore({
      redis,
      prefix,
      flowTtlMs: config.bot.conversationTtlMs,
      keys: config.encryptionKeys,
    }),
    links: new LinkService({
      connection: mongo,
      users,
      attempts: new AttemptCounter({ redis, prefix: `${prefix}:link-attempts`, max: 5, windowSeconds: 3600 }),
      now: clock,
    }),
    roles,
    audit,
    notifier,
    broadcasts: new BroadcastService({ connection: mongo, users, queue: ports.broadcastQueue, audit, now: clock }),
    catalog,
    alerts,
    alertFanOut,
    files: ports.files,
    referrals,
    rewards,
    wallet,
    network: { sizes: (userId) => networkSizes(users, userId) },
    leaderboard: { read: (at) => readLeaderboard(mongo, at), compute: (at) => computeLeaderboard(mongo, users, at) },
    media: {
      vault,
      queue: ports.mediaQueue,
      async intake(input) {
        const mediaId = await vault.register(input);
        await ports.mediaQueue.ingest(mediaId);
        return mediaId;
      },
      links: new MediaLinks({ redis, prefix, baseUrl: config.http.publicUrl ?? "", keys: config.encryptionKeys }),
    },
    kyc,
    payouts,
    payoutProvider: disbursementProvider(config.payouts.provider),
    invoices,
    paymentLinks,
    callbacks,
    statusQuery,
    reconcile: () => reconcileInvoices(invoices, statusQuery, clock()),
    reconcileNow: () => ports.reconcileQueue.now(),
    kycRetentionDays: config.kyc.retentionDays,
    rewardRelease: config.referrals.release,
    commissionBasisPoints: config.referrals.commissionBasisPoints,
    counters,
    privacy: new PrivacyService({
      connection: mongo,
      wallet,
      kyc,
      vault,
      audit,
      notifier,
      translator,
      users,
      now: clock,
    }),
    maintenance,
    support: new SupportService({
      connection: mongo,
      notifier,
      translator,
      roles,
      audit,
      queue: ports.escalationQueue(clock),
      events,
      now: clock,
    }),
    backups: new BackupService({ connection: mongo, blobs: vault.store, config, now: clock, logger }),
    exports: new FinanceExports({ connection: mongo, payouts }),
    moneyHeld: () => moneyHeld(mongo, ledger),
    reports: new StatsCharts({
      figures: new StatsFigures(mongo, activity),
      translator,
      fontDir: config.chartFontDir,
    }),
    userFigures: (at) => userFigures(mongo, at),
    queueDepths: () => ports.queueDepths(),
  };
}
