import type { Connection } from "mongoose";
import {
  notificationModel,
  outcomeModel,
  sendClaimModel,
  statusOf,
  type NotificationDoc,
} from "../../core/notifications/notification-records.ts";

/**
 * The notifications matching `filter` (on `_id`) with what became of each, read in bulk as the service reads one
 * (`NotificationService.find`): the record, its outcome and its send's claim.
 */
export async function notificationStatuses(
  connection: Connection,
  filter: { _id: { $regex: string } | { $in: string[] } },
): Promise<NotificationDoc[]> {
  const [docs, outcomes, claims] = await Promise.all([
    notificationModel(connection).find(filter).lean(),
    outcomeModel(connection).find(filter).lean(),
    sendClaimModel(connection).find(filter).lean(),
  ]);
  const outcomeOf = new Map(outcomes.map((outcome) => [outcome._id, outcome]));
  const claimOf = new Map(claims.map((claim) => [claim._id, claim]));
  const now = new Date();
  return docs.map((doc) => statusOf(doc, outcomeOf.get(doc._id), claimOf.get(doc._id), now));
}

/** How many of them are at one of `statuses`. */
export async function countNotifications(
  connection: Connection,
  filter: { _id: { $regex: string } | { $in: string[] } },
  statuses: NotificationDoc["status"][],
): Promise<number> {
  return (await notificationStatuses(connection, filter)).filter((doc) => statuses.includes(doc.status)).length;
}
