import type { AuditLog } from "../../core/admin/audit-log.ts";
import type { UserFigures } from "../../core/admin/platform-stats.ts";
import type { RoleService } from "../../core/admin/role-service.ts";
import type { BroadcastService } from "../../core/broadcasts/broadcast-service.ts";
import type { AlertService } from "../../core/catalog/alert-service.ts";
import type { FileFetcher } from "../../core/files/file-fetcher.ts";
import type { CatalogService } from "../../core/catalog/catalog-service.ts";
import type { ConversationStore } from "../../core/conversations/conversation-store.ts";
import type { NotificationService } from "../../core/notifications/notification-service.ts";
import type { LinkService } from "../../core/linking/link-service.ts";
import type { UserService } from "../../core/users/user-service.ts";
import type { Translator } from "../../core/i18n/translator.ts";
import type { MediaLinks } from "../../core/files/media-links.ts";
import type { MediaQueue, MediaVault } from "../../core/files/media-vault.ts";
import type { LeaderboardDoc } from "../../core/referrals/leaderboard.ts";
import type { ReferralService } from "../../core/referrals/referral-service.ts";
import type { RewardService } from "../../core/referrals/reward-service.ts";
import type { WalletService } from "../../core/wallet/wallet-service.ts";
import type { KycService } from "../../core/kyc/kyc-service.ts";
import type { PayoutService } from "../../core/payouts/payout-service.ts";
import type { DisbursementProvider } from "../../core/payouts/disbursement.ts";
import type { InvoiceService } from "../../core/payments/invoice-service.ts";

/** Where people reach the bot; used to build invite and share links. */
export interface BotLinks {
  telegramUsername: string;
  viberChatUri: string;
}

/** The core services flows may call. Built once per app by the bot factory. */
export interface BotServices {
  users: UserService;
  conversations: ConversationStore;
  links: LinkService;
  translator: Translator;
  botLinks: BotLinks;
  roles: RoleService;
  audit: AuditLog;
  /** Tell someone something later, on their channel, within platform limits. */
  notifier: NotificationService;
  broadcasts: BroadcastService;
  /** Companies, jobs, saved jobs and search. */
  catalog: CatalogService;
  alerts: AlertService;
  /** Downloads files people send (imports, later documents). */
  files: FileFetcher;
  referrals: ReferralService;
  rewards: RewardService;
  wallet: WalletService;
  network: { sizes(userId: string): Promise<number[]> };
  leaderboard: { read(now: Date): Promise<LeaderboardDoc | null> };
  /** Encrypted files (CVs, later KYC documents): intake, and short-lived links for those allowed to see them. */
  media: { vault: MediaVault; queue: MediaQueue; links: MediaLinks };
  kyc: KycService;
  payouts: PayoutService;
  /** Employer invoices per hire (when rewards are released by invoice). */
  invoices: InvoiceService;
  /** Runs the gateway reconciliation now (a BullMQ job in the worker). */
  reconcileNow(): Promise<void>;
  /** Where approved payouts go (manual or sandbox; an automated provider later). */
  payoutProvider: DisbursementProvider;
  kycRetentionDays: number;
  /** How pending rewards become available. */
  rewardRelease: "finance" | "invoice";
  /** Network commission per level, in basis points of the bonus. */
  commissionBasisPoints: number[];
  /** User figures for /stats. */
  userFigures(now: Date): Promise<UserFigures>;
  /** Jobs per queue and state (for /stats); reaches the queues through the web process. */
  queueDepths(): Promise<Array<{ queue: string; state: string; count: number }>>;
}
