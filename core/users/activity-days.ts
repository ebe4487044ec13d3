import { Schema, type Connection, type Model } from "mongoose";
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
