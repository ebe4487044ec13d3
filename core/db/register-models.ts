import type { Connection } from "mongoose";
import { auditModel } from "../admin/audit-log.ts";
import { broadcastModel } from "../broadcasts/broadcast-service.ts";
import { alertModel } from "../catalog/alert-service.ts";
import { ledgerModels } from "../wallet/ledger.ts";
import { mediaModel } from "../files/media-vault.ts";
import { kycModels } from "../kyc/kyc-models.ts";
import { payoutModels } from "../payouts/payout-models.ts";
import { invoiceModel } from "../payments/invoice-service.ts";
import { callbackModel } from "../payments/callback-intake.ts";
import { leaderboardModel } from "../referrals/leaderboard.ts";
import { referralModels } from "../referrals/referral-model.ts";
import { rewardModel } from "../referrals/reward-service.ts";
import { catalogModels } from "../catalog/catalog-models.ts";
import { decisionModel } from "../decisions/decision-store.ts";
import {
  notificationModel,
  outcomeModel,
  queueingModel,
  sendClaimModel,
} from "../notifications/notification-records.ts";
import { LinkService } from "../linking/link-service.ts";
import { maintenanceModel } from "../maintenance/maintenance-service.ts";
import { ticketModels } from "../support/ticket-models.ts";
import { activityModel } from "../users/activity-days.ts";
import { userModels } from "../users/user-model.ts";

/**
 * Compiles every mongoose model of the domain onto one connection. Each area
 * of `core/` adds its models here, so that the index sync (at web boot and in
 * `npm run db:sync-indexes`) sees all of them.
 */
export function registerModels(connection: Connection): Connection {
  userModels(connection);
  activityModel(connection);
  ticketModels(connection);
  maintenanceModel(connection);
  decisionModel(connection);
  auditModel(connection);
  notificationModel(connection);
  sendClaimModel(connection);
  outcomeModel(connection);
  queueingModel(connection);
  broadcastModel(connection);
  catalogModels(connection);
  alertModel(connection);
  ledgerModels(connection);
  mediaModel(connection);
  kycModels(connection);
  payoutModels(connection);
  invoiceModel(connection);
  callbackModel(connection);
  referralModels(connection);
  rewardModel(connection);
  leaderboardModel(connection);
  LinkService.registerModel(connection);
  return connection;
}
