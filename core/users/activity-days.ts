import type { Redis } from "ioredis";
import { Schema, type Connection, type Model } from "mongoose";
import { onlyDuplicates } from "../db/bulk-write-errors.ts";
import { isDuplicateKey } from "../decisions/decision-store.ts";
import { yangonDay } from "../values/yangon-time.ts";
import type { Channel } from "./user-model.ts";

/**
 * One document per person and Yangon day they used the bot (`<day>:<userId>`), written once, on the day's first turn
 * (the turn that moves `lastSeenAt` into a new day) and at first contact (`joined`). Daily active people by channel
 * and new people per day are a `$group` over a 30-day range of `day` strings: FerretDB 1.24 has no `$dateToString`,
 * so the day is stored rather than computed.
 */
export interface ActivityDayDoc {
  _id: string;
  day: string;
  userId: string;
  channel: Channel;
  joined: boolean;
}

const activitySchema = new Schema<ActivityDayDoc>(
  {
    _id: String,
    day: { type: String, required: true },
    userId: { type: String, required: true },
    channel: { type: String, required: true },
    joined: { type: Boolean, required: true },
  },
  { versionKey: false, collection: "activity_days" },
);
activitySchema.index({ day: 1 });

export function activityModel(connection: Connection): Model<ActivityDayDoc> {
  return (
    (connection.models.ActivityDay as Model<ActivityDayDoc> | undefined) ??
    connection.model<ActivityDayDoc>("ActivityDay", activitySchema)
  );
}

/** Records that a person was active on `now`'s Yangon day (once per day; a repeat is a no-op). */
export async function recordActivity(
  connection: Connection,
  input: { userId: string; channel: Channel; now: Date; joined: boolean },
): Promise<void> {
  const day = yangonDay(input.now);
  try {
    await activityModel(connection).create({
      _id: `${day}:${input.userId}`,
      day,
      userId: input.userId,
      channel: input.channel,
      joined: input.joined,
    });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
}

/** How many buffered records one flush writes with one insert. */
const FLUSH_BATCH = 500;

/**
 * Activity days, buffered: a person's first turn of a day adds one member to a Redis set (no database write on the
 * turn), and the worker writes the set to `activity_days` every few seconds in batches, then removes what it wrote.
 * A record is removed only after its insert, and each insert is once per key, so a crash repeats nothing and loses
 * nothing; readers of the figures flush first.
 */
export class ActivityLog {
  private readonly connection: Connection;
  private readonly redis: Redis;
  private readonly key: string;

  constructor(options: { connection: Connection; redis: Redis; prefix: string }) {
    this.connection = options.connection;
    this.redis = options.redis;
    this.key = `${options.prefix}:activity:pending`;
  }

  async record(input: { userId: string; channel: Channel; now: Date; joined: boolean }): Promise<void> {
    const day = yangonDay(input.now);
    const doc: ActivityDayDoc = {
      _id: `${day}:${input.userId}`,
      day,
      userId: input.userId,
      channel: input.channel,
      joined: input.joined,
    };
    await this.redis.sadd(this.key, JSON.stringify(doc));
  }

  /** Writes what is buffered; answers how many records were written (repeats of a day's record count as written). */
  async flush(): Promise<number> {
    let written = 0;
    for (;;) {
      const members = await this.redis.srandmember(this.key, FLUSH_BATCH);
      if (members.length === 0) return written;
      // A first contact's record (joined) goes before any other record of the same person and day.
      const docs = members
        .map((member) => JSON.parse(member) as ActivityDayDoc)
        .sort((a, b) => Number(b.joined) - Number(a.joined));
      try {
        await activityModel(this.connection).insertMany(docs, { ordered: false });
      } catch (error) {
        // The day was already recorded for some: those inserts are refused, the others are written.
        if (!onlyDuplicates(error)) throw error;
      }
      await this.redis.srem(this.key, ...members);
      written += members.length;
    }
  }
}
