import { randomUUID } from "node:crypto";
import type { Connection, Model } from "mongoose";
import { isDuplicateKey } from "../decisions/decision-store.ts";
import { bulkWriteErrors, onlyDuplicates } from "../db/bulk-write-errors.ts";
import type { IdentityDoc, Language, Transport, UserDoc } from "../users/user-model.ts";
import type { UserService } from "../users/user-service.ts";
import {
  notificationModel,
  outcomeModel,
  queueingModel,
  sendClaimModel,
  statusOf,
  type NotificationDoc,
  type OutcomeDoc,
  type QueueingDoc,
  type SendClaimDoc,
} from "./notification-records.ts";
import { quietDelayMs, type QuietHours } from "./quiet-hours.ts";

export {
  notificationModel,
  outcomeModel,
  queueingModel,
  sendClaimModel,
  type NotificationDoc,
  type NotificationStatus,
} from "./notification-records.ts";

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
  private readonly outcomes: Model<OutcomeDoc>;
  private readonly queueings: Model<QueueingDoc>;
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
    this.outcomes = outcomeModel(options.connection);
    this.queueings = queueingModel(options.connection);
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
    const dueAt = new Date(now.getTime() + delay);
    const note = await this.intendQueueing([{ key: input.key, transport: identity.transport }], dueAt);
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
        dueAt,
        sentAt: null,
      });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // Recorded before, but its queueing may have failed (Redis down between the two): queued again under the
      // same job id, which the queue keeps once, so a retry finishes it and never sends it twice.
      const existing = await this.find(input.key);
      if (existing?.status === "queued")
        await this.queue.enqueue(existing.transport, input.key, existing.urgent ? 0 : quietDelayMs(this.quiet, now));
      await this.queueings.deleteOne({ _id: note }).exec();
      return "duplicate";
    }
    await this.queue.enqueue(identity.transport, input.key, delay);
    await this.queueings.deleteOne({ _id: note }).exec();
    return "queued";
  }

  /**
   * Written before the records: "these notifications' jobs may not be queued yet", one note for the call. Removed
   * once the jobs are queued; what a Redis outage or a crash leaves, {@link requeueStuck} queues. Returns its id.
   */
  private async intendQueueing(entries: Array<{ key: string; transport: Transport }>, dueAt: Date): Promise<string> {
    const note = randomUUID();
    await this.queueings.create({
      _id: note,
      entries: entries.map((entry) => ({ key: entry.key, transport: entry.transport })),
      dueAt,
    });
    return note;
  }

  /**
   * Notifications whose queueing never finished (Redis was down between the record and the job, or the process
   * died there, for one or for a bulk of them), a while after they were due: queued again under their job ids,
   * which the queue keeps once (a job that finds its notification done sends nothing), so none is lost and none is
   * sent twice. Only those are looked at, never the notifications delivered. Returns how many were queued again.
   */
  async requeueStuck(olderThanMs = 2 * 60_000, page = 100): Promise<number> {
    const cutoff = new Date(this.now().getTime() - olderThanMs);
    let requeued = 0;
    // Only overdue ones: a notification waiting out quiet hours is not stuck. A page at a time, so none is out of
    // reach however many there are.
    for (let after = ""; ;) {
      const notes = await this.queueings
        .find({ _id: { $gt: after }, dueAt: { $lte: cutoff } })
        .sort({ _id: 1 })
        .limit(page)
        .lean<QueueingDoc[]>()
        .exec();
      if (notes.length === 0) return requeued;
      after = notes.at(-1)?._id ?? after;
      for (const note of notes) {
        await this.enqueueByTransport(note.entries, 0);
        await this.queueings.deleteOne({ _id: note._id }).exec();
        requeued += note.entries.length;
      }
    }
  }

  /**
   * Every notification not sent nor given up, queued again (for when Redis lost its queues: a new or emptied Redis,
   * a restore): one pass over all the records, a page at a time, each checked by key for an outcome or a claim.
   * Returns how many were queued again.
   */
  async requeueUnsent(page = 500): Promise<number> {
    const now = this.now().getTime();
    let requeued = 0;
    for (let after = ""; ;) {
      const docs = await this.model
        .find({ _id: { $gt: after }, status: "queued" }, { transport: 1, dueAt: 1 })
        .sort({ _id: 1 })
        .limit(page)
        .lean<Array<Pick<NotificationDoc, "_id" | "transport" | "dueAt">>>()
        .exec();
      if (docs.length === 0) return requeued;
      after = docs.at(-1)?._id ?? after;
      const settled = await Promise.all(
        docs.map(async (doc) => {
          const [outcome, claim] = await Promise.all([
            this.outcomes.exists({ _id: doc._id }).exec(),
            this.claims.exists({ _id: doc._id }).exec(),
          ]);
          return outcome !== null || claim !== null;
        }),
      );
      for (const [index, doc] of docs.entries()) {
        if (settled[index] === true) continue;
        await this.queue.enqueue(doc.transport, doc._id, Math.max(0, (doc.dueAt?.getTime() ?? now) - now));
        requeued++;
      }
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
    const note = await this.intendQueueing(entries, docs[0]?.dueAt ?? now);
    let inserted: string[] = docs.map((doc) => doc._id);
    try {
      await this.model.insertMany(docs, { ordered: false });
    } catch (error) {
      const refused = bulkWriteErrors(error);
      // A key recorded before is skipped (its earlier call queued it); any other refusal fails the call, which its
      // caller tries again, instead of leaving that notification out unseen.
      if (refused === null || !onlyDuplicates(error)) throw error;
      inserted = docs.filter((_, index) => !refused.has(index)).map((doc) => doc._id);
    }
    const fresh = new Set(inserted);
    await this.enqueueByTransport(
      entries.filter((entry) => fresh.has(entry.key)),
      delay,
    );
    await this.queueings.deleteOne({ _id: note }).exec();
    return fresh.size;
  }

  /** One bulk enqueue per transport (each has its queue). */
  private async enqueueByTransport(entries: Array<{ key: string; transport: Transport }>, delayMs: number) {
    const byTransport = new Map<Transport, string[]>();
    for (const entry of entries) {
      const keys = byTransport.get(entry.transport);
      if (keys === undefined) byTransport.set(entry.transport, [entry.key]);
      else keys.push(entry.key);
    }
    for (const [transport, keys] of byTransport) await this.queue.enqueueMany(transport, keys, delayMs);
  }

  /** The notification with what became of it (see {@link statusOf}): three reads by key, cheap on either database. */
  async find(key: string): Promise<NotificationDoc | null> {
    const [stored, outcome, claim] = await Promise.all([
      this.model.findById(key).lean<NotificationDoc>().exec(),
      this.outcomes.findById(key).lean<OutcomeDoc>().exec(),
      this.claims.findById(key).lean<SendClaimDoc>().exec(),
    ]);
    return stored === null ? null : statusOf(stored, outcome, claim, this.now());
  }

  /** Records what became of a notification, once: the first outcome recorded stays. */
  private async record(key: string, status: OutcomeDoc["status"]): Promise<void> {
    try {
      await this.outcomes.create({ _id: key, status, at: this.now() });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  /**
   * The worker's first step for one notification: what to send and to whom, or why nothing is sent. A chat that is
   * gone or a banned person ends it as `unreachable`; a record left `sending` by earlier versions is recorded
   * `uncertain`. Whether it was sent already is not read here: {@link claimSend} decides (a notification sent or
   * given up holds its claim), which spares two reads per delivery (each a table scan on FerretDB).
   */
  async startDelivery(key: string): Promise<DeliveryStart> {
    const doc = await this.model.findById(key).lean<NotificationDoc>().exec();
    if (doc === null) return { kind: "missing" };
    if (doc.status === "sending") {
      await this.record(key, "uncertain");
      return { kind: "uncertain" };
    }
    if (doc.status !== "queued") return { kind: "already_done" };
    const [identity, user] = await Promise.all([
      this.users.findIdentity(doc.identityKey),
      this.users.findUser(doc.userId),
    ]);
    if (identity === null || user === null || !identity.reachable) {
      await this.giveUp(key);
      return { kind: "unreachable" };
    }
    if (user.status === "banned") {
      await this.giveUp(key);
      return { kind: "skipped" };
    }
    return { kind: "ready", doc, identity, user };
  }

  /**
   * Just before the platform call: claims the notification's one send (an insert). Otherwise: `done` when an outcome
   * is recorded (sent, or given up), `uncertain` when a send began with nothing recorded after (its worker died
   * mid-send, or a stalled job's first run still goes and may yet record it sent): never sent again either way.
   */
  async claimSend(key: string): Promise<"claimed" | "done" | "uncertain"> {
    try {
      await this.claims.create({ _id: key, at: this.now() });
      return "claimed";
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return (await this.outcomes.exists({ _id: key }).exec()) === null ? "uncertain" : "done";
    }
  }

  /**
   * Nobody to send it to: its claim taken (so no later run sends it) and `unreachable` recorded. When a run already
   * holds the claim, that run's send may have gone out: what became of it is left for that run to record (the
   * first outcome recorded stays), or reads `uncertain` if it died.
   */
  private async giveUp(key: string): Promise<void> {
    try {
      await this.claims.create({ _id: key, at: this.now() });
    } catch (error) {
      if (isDuplicateKey(error)) return;
      throw error;
    }
    await this.record(key, "unreachable");
  }

  async markSent(key: string): Promise<void> {
    await this.record(key, "sent");
  }

  /** The call may have been delivered but its answer never came: recorded, never sent again. */
  async markUncertain(key: string): Promise<void> {
    await this.record(key, "uncertain");
  }

  /**
   * The call did not go out (a transport failure before sending, or a 429): the claim is given back, so the retry
   * may send.
   */
  async releaseSend(key: string): Promise<void> {
    await this.claims.deleteOne({ _id: key }).exec();
  }

  /** The person blocked the bot: this notification ends, and the chat is marked unreachable. */
  /** The person first, then the record: whoever sees the record unreachable also sees the person unreachable. */
  async markBlocked(key: string, identityKey: string): Promise<void> {
    await this.users.markUnreachable(identityKey);
    await this.record(key, "unreachable");
  }
}

export type DeliveryStart =
  | { kind: "missing" | "already_done" | "uncertain" | "unreachable" | "skipped" }
  | { kind: "ready"; doc: NotificationDoc; identity: IdentityDoc; user: UserDoc };
