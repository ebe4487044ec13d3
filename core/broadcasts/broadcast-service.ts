import { randomBytes } from "node:crypto";
import { Schema, type Connection, type Model } from "mongoose";
import type { AuditLog } from "../admin/audit-log.ts";
import { decideOnce } from "../decisions/decision-store.ts";
import { pickIdentity } from "../notifications/notification-service.ts";
import type { Channel, IdentityDoc, Language, UserDoc } from "../users/user-model.ts";
import type { UserService } from "../users/user-service.ts";

export type Segment =
  { kind: "all" } | { kind: "channel"; channel: Channel } | { kind: "language"; language: Language };

export interface BroadcastDoc {
  _id: string;
  createdBy: string;
  /** Where progress and the summary go (the admin's public id). */
  adminUserId: string;
  createdAt: Date;
  text: Record<Language, string>;
  imageUrl: string | null;
  segment: Segment;
  /** Progress/summary templates in both languages (`{{sent}}`, `{{failed}}`, …), filled in by the worker. */
  templates: {
    progress: Record<Language, string>;
    summary: Record<Language, string>;
    cancelled: Record<Language, string>;
  };
  status: "running" | "done" | "cancelled";
  /** Set once the recipient list is taken. */
  recipients: number | null;
  skipped: number | null;
  finishedAt: Date | null;
}

const broadcastSchema = new Schema<BroadcastDoc>(
  {
    _id: { type: String, required: true },
    createdBy: { type: String, required: true },
    adminUserId: { type: String, required: true },
    createdAt: { type: Date, required: true },
    text: { en: { type: String, required: true }, my: { type: String, required: true } },
    imageUrl: { type: String, default: null },
    segment: { type: Schema.Types.Mixed, required: true },
    templates: { type: Schema.Types.Mixed, required: true },
    status: { type: String, required: true },
    recipients: { type: Number, default: null },
    skipped: { type: Number, default: null },
    finishedAt: { type: Date, default: null },
  },
  { versionKey: false, collection: "broadcasts" },
);

export function broadcastModel(connection: Connection): Model<BroadcastDoc> {
  return (
    (connection.models.Broadcast as Model<BroadcastDoc> | undefined) ??
    connection.model<BroadcastDoc>("Broadcast", broadcastSchema)
  );
}

export interface Recipient {
  userId: string;
  identity: Pick<IdentityDoc, "_id" | "channel" | "externalId" | "transport">;
  language: Language;
}

/**
 * Who a segment reaches: active people with a reachable chat, each once (their preferred chat), handed to `take` a
 * page at a time (never the whole audience in memory), and how many were left out because they cannot be reached.
 * One pass over the user base: run when a broadcast starts or is previewed, never per message.
 */
export async function segmentRecipients(
  users: Pick<UserService, "audiencePages">,
  segment: Segment,
  take: (page: Recipient[]) => Promise<void> | void = () => undefined,
): Promise<{ recipients: number; viber: number; unreachable: number }> {
  const counts = { recipients: 0, viber: 0, unreachable: 0 };
  const filter = {
    ...(segment.kind === "language" ? { language: segment.language } : {}),
    ...(segment.kind === "channel" ? { channel: segment.channel } : {}),
  };
  for await (const people of users.audiencePages(filter)) {
    const page: Recipient[] = [];
    for (const person of people) {
      const chosen = pickIdentity(person.identities);
      if (chosen === undefined) counts.unreachable++;
      else page.push({ userId: person.userId, identity: chosen, language: person.language });
    }
    counts.recipients += page.length;
    counts.viber += page.filter((recipient) => recipient.identity.transport === "viber").length;
    await take(page);
  }
  return counts;
}

/** Starts the broadcast's runner (BullMQ in jobs/). */
export interface BroadcastQueue {
  start(broadcastId: string): Promise<void>;
}

/** Creating, counting and cancelling broadcasts; the worker does the sending. */
export class BroadcastService {
  private readonly model: Model<BroadcastDoc>;
  private readonly connection: Connection;
  private readonly users: Pick<UserService, "audiencePages">;
  private readonly queue: BroadcastQueue;
  private readonly audit: AuditLog;
  private readonly now: () => Date;

  constructor(options: {
    connection: Connection;
    users: Pick<UserService, "audiencePages">;
    queue: BroadcastQueue;
    audit: AuditLog;
    now?: () => Date;
  }) {
    this.connection = options.connection;
    this.users = options.users;
    this.model = broadcastModel(options.connection);
    this.queue = options.queue;
    this.audit = options.audit;
    this.now = options.now ?? (() => new Date());
  }

  async count(segment: Segment): Promise<{ recipients: number; viber: number; unreachable: number }> {
    return segmentRecipients(this.users, segment);
  }

  async start(
    input: Pick<BroadcastDoc, "text" | "imageUrl" | "segment" | "templates"> & { admin: UserDoc; channel: Channel },
  ): Promise<BroadcastDoc> {
    const doc: BroadcastDoc = {
      _id: `B${randomBytes(5).toString("hex").toUpperCase()}`,
      createdBy: input.admin._id,
      adminUserId: input.admin._id,
      createdAt: this.now(),
      text: input.text,
      imageUrl: input.imageUrl,
      segment: input.segment,
      templates: input.templates,
      status: "running",
      recipients: null,
      skipped: null,
      finishedAt: null,
    };
    await this.model.create(doc);
    await this.audit.record({
      actorId: input.admin._id,
      actorRole: input.admin.roles.includes("owner") ? "owner" : "admin",
      channel: input.channel,
      action: "broadcast.start",
      target: doc._id,
      after: { segment: input.segment },
    });
    await this.queue.start(doc._id);
    return doc;
  }

  async find(id: string): Promise<BroadcastDoc | null> {
    return this.model.findById(id).lean<BroadcastDoc>().exec();
  }

  /** Stops a running broadcast after the messages in flight; nobody gets it twice either way. */
  /** The runner takes the segment's recipients once, when it first starts; the counts are kept on the broadcast. */
  /** Hands the broadcast's recipients to `take` page by page, then records how many there are. */
  async takeRecipients(
    id: string,
    segment: Segment,
    take: (page: Recipient[]) => Promise<void>,
  ): Promise<{ recipients: number; unreachable: number }> {
    const taken = await segmentRecipients(this.users, segment, take);
    await this.model
      .updateOne({ _id: id }, { $set: { recipients: taken.recipients, skipped: taken.unreachable } })
      .exec();
    return taken;
  }

  async isCancelled(id: string): Promise<boolean> {
    const current = await this.model.findById(id, { status: 1 }).lean<Pick<BroadcastDoc, "status">>().exec();
    return current?.status === "cancelled";
  }

  /** True for the one caller that decides this broadcast's end (`done` or `cancelled`); false for every other. */
  async decideEnd(id: string, end: "done" | "cancelled"): Promise<boolean> {
    return decideOnce(this.connection, `bc:${id}:${end}`);
  }

  async markDone(id: string): Promise<void> {
    await this.model
      .updateOne({ _id: id, status: "running" }, { $set: { status: "done", finishedAt: this.now() } })
      .exec();
  }

  async cancel(id: string, admin: UserDoc, channel: Channel): Promise<"cancelled" | "not_running"> {
    const doc = await this.find(id);
    if (doc === null || doc.status !== "running") return "not_running";
    await this.model.updateOne({ _id: id }, { $set: { status: "cancelled" } }).exec();
    await this.audit.record({
      actorId: admin._id,
      actorRole: admin.roles.includes("owner") ? "owner" : "admin",
      channel,
      action: "broadcast.cancel",
      target: id,
    });
    return "cancelled";
  }
}

/** `{{name}}` placeholders only; the worker fills progress templates without i18n. */
export function fillTemplate(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (match, name: string) => (name in values ? String(values[name]) : match));
}
