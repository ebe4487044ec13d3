import type { Redis } from "ioredis";
import type { KeyMove } from "../db/redis-key-moves.ts";
import { Schema, type Connection, type Model } from "mongoose";
import type { Transport } from "../users/user-model.ts";
import type { JobDoc } from "./catalog-models.ts";
import type { CategoryId, RegionId } from "./taxonomy.ts";

export interface AlertSub {
  /** `<category|any>.<region|any>` (safe inside button data) */
  id: string;
  category: CategoryId | null;
  region: RegionId | null;
}

interface AlertDoc {
  /** The user's public id: one document per person, read by `_id`. */
  _id: string;
  /** The chat alerts go to (where they subscribed). */
  identityKey: string;
  transport: Transport;
  subs: AlertSub[];
}

const alertSchema = new Schema<AlertDoc>(
  {
    _id: String,
    identityKey: { type: String, required: true },
    transport: { type: String, required: true },
    subs: { type: Schema.Types.Mixed, default: [] },
  },
  { versionKey: false, collection: "job_alerts", minimize: false },
);

export function alertModel(connection: Connection): Model<AlertDoc> {
  return (
    (connection.models.JobAlert as Model<AlertDoc> | undefined) ?? connection.model<AlertDoc>("JobAlert", alertSchema)
  );
}

export const MAX_ALERTS = 5;

/** Who a new job alerts: an entry per subscriber, chosen chat included, so fan-out needs no database reads. */
export interface AlertRecipient {
  userId: string;
  transport: Transport;
  identityKey: string;
}

const member = (userId: string, transport: Transport, identityKey: string) => `${userId}|${transport}|${identityKey}`;
export function parseMember(value: string): AlertRecipient {
  const [userId = "", transport = "telegram", ...rest] = value.split("|");
  return { userId, transport: transport as Transport, identityKey: rest.join("|") };
}

/**
 * Job alerts by category and/or region. Each person's subscriptions are one
 * MongoDB document (the source of truth); Redis sets keyed by the exact filter
 * (`<category|*>:<region|*>`) hold the subscribers, so a new job finds its
 * audience with one SUNION of four sets, and adding is atomic.
 */
export class AlertService {
  private readonly model: Model<AlertDoc>;
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(options: { connection: Connection; redis: Redis; prefix: string }) {
    this.model = alertModel(options.connection);
    this.redis = options.redis;
    this.prefix = `${options.prefix}:alerts`;
  }

  /** One set per category and region; all in one hash slot (`{alerts}`), so a job's recipients are one SUNION. */
  private setKey(category: string | null, region: string | null): string {
    return `${this.prefix}:{alerts}:${category ?? "*"}:${region ?? "*"}`;
  }

  /** The sets' keys before they carried the hash tag, and their new names (for the start-up move). */
  keyMove(): KeyMove {
    return { family: `${this.prefix}:`, to: (rest) => `${this.prefix}:{alerts}:${rest}` };
  }

  async list(userId: string): Promise<AlertSub[]> {
    return (await this.model.findById(userId).lean<AlertDoc>().exec())?.subs ?? [];
  }

  async subscribe(input: {
    userId: string;
    identityKey: string;
    transport: Transport;
    category: CategoryId | null;
    region: RegionId | null;
  }): Promise<"added" | "exists" | "limit"> {
    const doc = await this.model.findById(input.userId).lean<AlertDoc>().exec();
    const subs = doc?.subs ?? [];
    const id = `${input.category ?? "any"}.${input.region ?? "any"}`;
    if (subs.some((sub) => sub.id === id)) return "exists";
    if (subs.length >= MAX_ALERTS) return "limit";
    const next = [...subs, { id, category: input.category, region: input.region }];
    await this.model
      .updateOne(
        { _id: input.userId },
        { $set: { identityKey: input.identityKey, transport: input.transport, subs: next } },
        { upsert: true },
      )
      .exec();
    await this.redis.sadd(
      this.setKey(input.category, input.region),
      member(input.userId, input.transport, input.identityKey),
    );
    return "added";
  }

  async unsubscribe(userId: string, subId: string): Promise<boolean> {
    const doc = await this.model.findById(userId).lean<AlertDoc>().exec();
    const sub = doc?.subs.find((candidate) => candidate.id === subId);
    if (doc === null || sub === undefined) return false;
    await this.model
      .updateOne({ _id: userId }, { $set: { subs: doc.subs.filter((candidate) => candidate.id !== subId) } })
      .exec();
    await this.redis.srem(this.setKey(sub.category, sub.region), member(userId, doc.transport, doc.identityKey));
    return true;
  }

  /** Everyone a job should alert: exact category+region, category anywhere, region any category, and "everything". */
  async recipients(job: Pick<JobDoc, "category" | "region">): Promise<AlertRecipient[]> {
    const members = await this.redis.sunion(
      this.setKey(job.category, job.region),
      this.setKey(job.category, null),
      this.setKey(null, job.region),
      this.setKey(null, null),
    );
    const byUser = new Map<string, AlertRecipient>();
    for (const value of members) {
      const recipient = parseMember(value);
      byUser.set(recipient.userId, recipient);
    }
    return [...byUser.values()];
  }

  /** Rebuilds the Redis sets from MongoDB (after Redis lost its data). */
  async rebuild(): Promise<number> {
    let count = 0;
    for await (const doc of this.model.find({}).lean<AlertDoc[]>().cursor()) {
      for (const sub of doc.subs) {
        await this.redis.sadd(this.setKey(sub.category, sub.region), member(doc._id, doc.transport, doc.identityKey));
        count++;
      }
    }
    return count;
  }
}
