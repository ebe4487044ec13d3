import { Schema, type Connection, type Model } from "mongoose";
import { isDuplicateKey } from "../decisions/decision-store.ts";
import type { IdentityDoc, Language, Transport, UserDoc } from "../users/user-model.ts";
import type { UserService } from "../users/user-service.ts";
import { quietDelayMs, type QuietHours } from "./quiet-hours.ts";

export type NotificationStatus = "queued" | "sending" | "sent" | "unreachable" | "uncertain";

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
  status: NotificationStatus;
  createdAt: Date;
  /** When its delivery is due (after quiet hours for a non-urgent one): the sweeper looks only at overdue ones. */
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
interface SendClaimDoc {
  _id: string;
  at: Date;
}

const sendClaimSchema = new Schema<SendClaimDoc>(
  { _id: { type: String, required: true }, at: { type: Date, required: true } },
  { versionKey: false, collection: "notification_sends" },
);

export function sendClaimModel(connection: Connection): Model<SendClaimDoc> {
  return (
    (connection.models.NotificationSend as Model<SendClaimDoc> | undefined) ??
    connection.model<SendClaimDoc>("NotificationSend", sendClaimSchema)
  );
}

export function notificationModel(connection: Connection): Model<NotificationDoc> {
  return (
    (connection.models.Notification as Model<NotificationDoc> | undefined) ??
    connection.model<NotificationDoc>("Notification", notificationSchema)
  );
}

/** Where queued notifications go: one queue per transport, the key as job id (implemented with BullMQ in jobs/). */
export interface NotificationQueue {
  enqueue(transport: Transport, key: string, delayMs: number): Promise<void>;
  enqueueMany(transport: Transport, keys: string[], delayMs: number): Promise<void>;
}

export type NotifyResult = "queued" | "duplicate" | "unreachable" | "no_user";

/** Telegram first: its messages are free; Viber bills messages outside the person's 24-hour window. */
const TRANSPORT_ORDER: Transport[] = ["telegram", "sandbox", "viber"];

export function pickIdentity(identities: IdentityDoc[]): IdentityDoc | undefined {
  return identities
    .filter((identity) => identity.reachable)
    .sort((a, b) => TRANSPORT_ORDER.indexOf(a.transport) - TRANSPORT_ORDER.indexOf(b.transport))[0];
}

/**
 * "Tell this person something later": the core port every feature uses.
 * The record's `_id` is the caller's key, so a key is queued once only; the
 * message is delivered on the person's channel in their language by the
 * workers, which respect platform limits. Non-urgent messages wait out the
 * quiet hours (Yangon time).
 */
export class NotificationService {
  private readonly model: Model<NotificationDoc>;
  private readonly claims: Model<SendClaimDoc>;
  private readonly users: Pick<UserService, "findUser" | "findIdentity" | "identitiesOfUser" | "markUnreachable">;
  private readonly queue: NotificationQueue;
  private readonly quiet: QuietHours | undefined;
  private readonly now: () => Date;

  constructor(options: {
    connection: Connection;
    users: Pick<UserService, "findUser" | "findIdentity" | "identitiesOfUser" | "markUnreachable">;
    queue: NotificationQueue;
    quiet: QuietHours | undefined;
    now?: () => Date;
  }) {
    this.users = options.users;
    this.model = notificationModel(options.connection);
    this.claims = sendClaimModel(options.connection);
    this.queue = options.queue;
    this.quiet = options.quiet;
    this.now = options.now ?? (() => new Date());
  }

  async notify(input: {
    userId: string;
    key: string;
    text: Record<Language, string>;
    imageUrl?: string;
    /** One button under the message (the chat button data it sends). */
    button?: NotificationDoc["button"];
    urgent?: boolean;
  }): Promise<NotifyResult> {
    const user = await this.users.findUser(input.userId);
    if (user === null) return "no_user";
    const identity = pickIdentity(await this.users.identitiesOfUser(user));
    if (identity === undefined) return "unreachable";
    const now = this.now();
    const urgent = input.urgent ?? false;
    const delay = urgent ? 0 : quietDelayMs(this.quiet, now);
    try {
      await this.model.create({
        _id: input.key,
        userId: user._id,
        identityKey: identity._id,
        transport: identity.transport,
        text: input.text,
        imageUrl: input.imageUrl ?? null,
        button: input.button ?? null,
        urgent,
        status: "queued",
        createdAt: now,
        dueAt: new Date(now.getTime() + delay),
        sentAt: null,
      });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // Recorded before, but its queueing may have failed (Redis down between the two): queued again under the
      // same job id, which the queue keeps once, so a retry finishes it and never sends it twice.
      const existing = await this.find(input.key);
      if (existing?.status !== "queued") return "duplicate";
      await this.queue.enqueue(existing.transport, input.key, existing.urgent ? 0 : quietDelayMs(this.quiet, now));
      return "duplicate";
    }
    await this.queue.enqueue(identity.transport, input.key, delay);
    return "queued";
  }

  /**
   * Notifications recorded but still queued a while after (their queueing failed: Redis was down between the record
   * and the job, for one or for a bulk of them): queued again under their job ids, which the queue keeps once, so
   * none is lost and none is sent twice. Returns how many were queued again.
   */
  async requeueStuck(olderThanMs = 2 * 60_000, page = 500): Promise<number> {
    const now = this.now();
    const cutoff = new Date(now.getTime() - olderThanMs);
    let requeued = 0;
    // Only overdue ones: a notification waiting out quiet hours is not stuck. Read a page at a time, so none is out of
    // reach however many there are.
    for (let after = ""; ;) {
      const stuck = await this.model
        .find({
          status: "queued",
          _id: { $gt: after },
          $or: [{ dueAt: { $lte: cutoff } }, { dueAt: { $exists: false }, createdAt: { $lte: cutoff } }],
        })
        .sort({ _id: 1 })
        .limit(page)
        .lean<NotificationDoc[]>()
        .exec();
      if (stuck.length === 0) return requeued;
      after = stuck.at(-1)?._id ?? after;
      for (const doc of stuck) await this.queue.enqueue(doc.transport, doc._id, 0);
      requeued += stuck.length;
    }
  }

  /**
   * Many notifications at once for chats already chosen (job alerts): one bulk
   * insert (keys already present are skipped: never twice) and one bulk enqueue.
   * Returns how many were queued.
   */
  async notifyMany(
    entries: Array<{
      key: string;
      userId: string;
      identityKey: string;
      transport: Transport;
      text: Record<Language, string>;
      button?: NotificationDoc["button"];
      urgent?: boolean;
    }>,
  ): Promise<number> {
    if (entries.length === 0) return 0;
    const now = this.now();
    const delay = quietDelayMs(this.quiet, now);
    const docs = entries.map((entry) => ({
      _id: entry.key,
      userId: entry.userId,
      identityKey: entry.identityKey,
      transport: entry.transport,
      text: entry.text,
      imageUrl: null,
      button: entry.button ?? null,
      urgent: entry.urgent ?? false,
      status: "queued" as const,
      createdAt: now,
      dueAt: new Date(now.getTime() + delay),
      sentAt: null,
    }));
    let inserted: string[] = docs.map((doc) => doc._id);
    try {
      await this.model.insertMany(docs, { ordered: false });
    } catch (error) {
      const failed = new Set(
        ((error as { writeErrors?: Array<{ index?: number; err?: { index?: number } }> }).writeErrors ?? []).map(
          (writeError) => writeError.index ?? writeError.err?.index,
        ),
      );
      if (failed.size === 0) throw error;
      inserted = docs.filter((_, index) => !failed.has(index)).map((doc) => doc._id);
    }
    const fresh = new Set(inserted);
    const byTransport = new Map<Transport, string[]>();
    for (const entry of entries) {
      if (!fresh.has(entry.key)) continue;
      byTransport.set(entry.transport, [...(byTransport.get(entry.transport) ?? []), entry.key]);
    }
    for (const [transport, keys] of byTransport) await this.queue.enqueueMany(transport, keys, delay);
    return fresh.size;
  }

  async find(key: string): Promise<NotificationDoc | null> {
    return this.model.findById(key).lean<NotificationDoc>().exec();
  }

  async setStatus(key: string, status: NotificationStatus): Promise<void> {
    await this.model
      .updateOne({ _id: key }, { $set: status === "sent" ? { status, sentAt: this.now() } : { status } })
      .exec();
  }

  /**
   * The worker's first step for one notification: what to send and to whom, or why nothing is sent. A chat that is
   * gone or a banned person ends it as `unreachable`; a record still `sending` (written so by earlier versions just
   * before the call) becomes `uncertain`. Never twice is decided by {@link claimSend}.
   */
  async startDelivery(key: string): Promise<DeliveryStart> {
    const doc = await this.find(key);
    if (doc === null) return { kind: "missing" };
    if (doc.status === "sent" || doc.status === "unreachable" || doc.status === "uncertain")
      return { kind: "already_done" };
    if (doc.status === "sending") {
      await this.setStatus(key, "uncertain");
      return { kind: "uncertain" };
    }
    const [identity, user] = await Promise.all([
      this.users.findIdentity(doc.identityKey),
      this.users.findUser(doc.userId),
    ]);
    if (identity === null || user === null || !identity.reachable) {
      await this.setStatus(key, "unreachable");
      return { kind: "unreachable" };
    }
    if (user.status === "banned") {
      await this.setStatus(key, "unreachable");
      return { kind: "skipped" };
    }
    return { kind: "ready", doc, identity, user };
  }

  /**
   * Just before the platform call: claims the notification's one send (an insert, cheaper than an update where the
   * database scans for it). False when a send already began, because its worker died mid-send or a stalled job's
   * first run is still going: the record becomes `uncertain` and is never sent again.
   */
  async claimSend(key: string): Promise<boolean> {
    try {
      await this.claims.create({ _id: key, at: this.now() });
      return true;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // Not over the outcome of a first run still going, which may yet record it sent.
      await this.model.updateOne({ _id: key, status: "queued" }, { $set: { status: "uncertain" } }).exec();
      return false;
    }
  }

  async markSent(key: string): Promise<void> {
    await this.setStatus(key, "sent");
  }

  /** The call may have been delivered but its answer never came: recorded, never sent again. */
  async markUncertain(key: string): Promise<void> {
    await this.setStatus(key, "uncertain");
  }

  /**
   * The call did not go out (a transport failure before sending, or a 429): the claim is given back, so the retry
   * may send (the record stayed `queued`).
   */
  async releaseSend(key: string): Promise<void> {
    await this.claims.deleteOne({ _id: key }).exec();
  }

  /** The person blocked the bot: this notification ends, and the chat is marked unreachable. */
  /** The person first, then the record: whoever sees the record unreachable also sees the person unreachable. */
  async markBlocked(key: string, identityKey: string): Promise<void> {
    await this.users.markUnreachable(identityKey);
    await this.setStatus(key, "unreachable");
  }
}

export type DeliveryStart =
  | { kind: "missing" | "already_done" | "uncertain" | "unreachable" | "skipped" }
  | { kind: "ready"; doc: NotificationDoc; identity: IdentityDoc; user: UserDoc };
