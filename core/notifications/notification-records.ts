import { Schema, type Connection, type Model } from "mongoose";
import type { Language, Transport } from "../users/user-model.ts";

export type NotificationStatus = "queued" | "sending" | "sent" | "unreachable" | "uncertain";

/**
 * A notification as recorded, once, under the caller's key. Its `status` is written `queued` and not changed after:
 * what became of it is the outcome record and the send's claim, both insert-once (see {@link statusOf}). On
 * FerretDB an update scans the whole collection (about 10 ms at 3,000 records, far more while other writes wait),
 * an insert does not; on MongoDB the two cost the same.
 */
export interface NotificationDoc {
  /** The caller's key, e.g. `referral:R123:status:hired`; one notification per key, ever. */
  _id: string;
  userId: string;
  identityKey: string;
  transport: Transport;
  text: Record<Language, string>;
  imageUrl: string | null;
  /** A button under the message: its label per language and the chat button data it sends. */
  button?: { label: Record<Language, string>; data: string } | null;
  urgent: boolean;
  /** As read through the service: what became of it. Stored: `queued` (records of earlier versions: any). */
  status: NotificationStatus;
  createdAt: Date;
  /** When its delivery is due (after quiet hours for a non-urgent one). */
  dueAt?: Date;
  sentAt: Date | null;
}

const notificationSchema = new Schema<NotificationDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    identityKey: { type: String, required: true },
    transport: { type: String, required: true },
    text: { en: { type: String, required: true }, my: { type: String, required: true } },
    imageUrl: { type: String, default: null },
    button: { type: { label: { en: String, my: String }, data: String }, default: null, _id: false },
    urgent: { type: Boolean, required: true },
    status: { type: String, required: true },
    createdAt: { type: Date, required: true },
    dueAt: { type: Date },
    sentAt: { type: Date, default: null },
  },
  { versionKey: false, collection: "notifications" },
);
notificationSchema.index({ userId: 1, createdAt: -1 });

/**
 * The one send a notification gets: inserted under the notification's key just before the platform call (a unique
 * `_id`, so of two workers holding the same notification only one sends, on MongoDB and on FerretDB alike), and
 * removed only when that call surely did not go out.
 */
export interface SendClaimDoc {
  _id: string;
  at: Date;
}

const sendClaimSchema = new Schema<SendClaimDoc>(
  { _id: { type: String, required: true }, at: { type: Date, required: true } },
  { versionKey: false, collection: "notification_sends" },
);

/** What became of a notification, recorded once under its key (the first recorded stays). */
export interface OutcomeDoc {
  _id: string;
  status: "sent" | "unreachable" | "uncertain";
  at: Date;
}

const outcomeSchema = new Schema<OutcomeDoc>(
  {
    _id: { type: String, required: true },
    status: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: "notification_outcomes" },
);

/**
 * Notifications whose jobs may not be queued yet, one note per call (a bulk of up to 1,000 or a single one): written
 * before the records and removed once the jobs are queued, so only the few calls in between (or those a Redis outage
 * or a crash cut off) are ever here, and the sweeper looks at those only. `dueAt`: when the jobs should run.
 */
export interface QueueingDoc {
  _id: string;
  entries: Array<{ key: string; transport: Transport }>;
  dueAt: Date;
}

const queueingSchema = new Schema<QueueingDoc>(
  {
    _id: { type: String, required: true },
    // Written by the service only (keys and transports it just checked): kept as given, not cast entry by entry
    // (casting 1,000 sub-documents was a fifth of an alert fan-out's enqueue time).
    entries: { type: Schema.Types.Mixed, required: true },
    dueAt: { type: Date, required: true },
  },
  { versionKey: false, collection: "notification_queueings" },
);

const modelOf = <T>(connection: Connection, name: string, schema: Schema<T>): Model<T> =>
  (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);

export const notificationModel = (connection: Connection) => modelOf(connection, "Notification", notificationSchema);
export const sendClaimModel = (connection: Connection) => modelOf(connection, "NotificationSend", sendClaimSchema);
export const outcomeModel = (connection: Connection) => modelOf(connection, "NotificationOutcome", outcomeSchema);
export const queueingModel = (connection: Connection) => modelOf(connection, "NotificationQueueing", queueingSchema);

/**
 * How long a claimed send with nothing recorded after reads as `sending`: longer than any send waits for its answer
 * (SEND_TIMEOUT_SECONDS), so past it the send's worker surely died and the notification reads `uncertain`.
 */
export const SENDING_MS = 2 * 60_000;

/**
 * What became of a notification: its outcome when one is recorded; else, when its send was claimed, `sending`, and
 * `uncertain` once {@link SENDING_MS} have passed (its worker died mid-send; never sent again); else what the record
 * says (`queued`, or a status written by earlier versions).
 */
export function statusOf(
  doc: NotificationDoc,
  outcome: OutcomeDoc | null | undefined,
  claim: SendClaimDoc | null | undefined,
  now: Date,
): NotificationDoc {
  if (outcome !== null && outcome !== undefined)
    return { ...doc, status: outcome.status, sentAt: outcome.status === "sent" ? outcome.at : doc.sentAt };
  if (claim !== null && claim !== undefined && (doc.status === "queued" || doc.status === "sending"))
    return { ...doc, status: now.getTime() - claim.at.getTime() < SENDING_MS ? "sending" : "uncertain" };
  return doc;
}
