import { yangonMonth } from "../values/yangon-time.ts";
import { Schema, type Connection, type Model } from "mongoose";
import { burmeseSyllables } from "../text/burmese-syllables.ts";
import type { UserDoc } from "../users/user-model.ts";
import type { UserService } from "../users/user-service.ts";
import { rewardModel } from "./reward-service.ts";

export interface LeaderboardEntry {
  rank: number;
  userId: string;
  /** The name the person chose to show, or their name masked. */
  name: string;
  hires: number;
  earned: number;
}

export interface LeaderboardDoc {
  /** The Yangon month, `2026-11`. */
  _id: string;
  computedAt: Date;
  entries: LeaderboardEntry[];
}

const leaderboardSchema = new Schema<LeaderboardDoc>(
  {
    _id: String,
    computedAt: { type: Date, required: true },
    entries: [{ _id: false, rank: Number, userId: String, name: String, hires: Number, earned: Number }],
  },
  { versionKey: false, collection: "leaderboards" },
);

export function leaderboardModel(connection: Connection): Model<LeaderboardDoc> {
  return (
    (connection.models.Leaderboard as Model<LeaderboardDoc> | undefined) ??
    connection.model<LeaderboardDoc>("Leaderboard", leaderboardSchema)
  );
}

const MYANMAR = /[\u1000-\u109F]/;

/**
 * `Aung Ko Ko` → `A*** K*** K***`; a Burmese name (whose syllables are often
 * not spaced) keeps only its first syllable: `အောင်ကိုကို` → `အောင်***`.
 */
export function maskName(name: string): string {
  const words = name
    .trim()
    .split(/\s+/)
    .filter((word) => word !== "");
  if (words.length === 0) return "***";
  if (MYANMAR.test(name)) return `${burmeseSyllables(words[0] ?? "")[0] ?? ""}***`;
  return words
    .map(
      (word) => `${[...new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(word)][0]?.segment ?? ""}***`,
    )
    .join(" ");
}

export const publicName = (user: Pick<UserDoc, "name" | "displayName">): string =>
  user.displayName ?? maskName(user.name);

/**
 * Ranks the month's referrers by hires (rewards at level 0), then by what
 * they earned that month (bonuses and commissions), and stores the result
 * for the month. Run hourly by a scheduled job; readers only read.
 */
export async function computeLeaderboard(
  connection: Connection,
  people: Pick<UserService, "namesOf">,
  now: Date,
): Promise<LeaderboardDoc> {
  const month = yangonMonth(now);
  // Two plain groupings (FerretDB 1.24 has no $cond): hires from level-0 rewards, earnings from all.
  const Reward = rewardModel(connection);
  const inMonth = { createdAt: { $gte: month.start, $lt: month.end } };
  const [hires, earnings] = await Promise.all([
    Reward.aggregate<{ _id: string; count: number }>([
      { $match: { ...inMonth, level: 0 } },
      { $group: { _id: "$beneficiaryId", count: { $sum: 1 } } },
    ]).exec(),
    Reward.aggregate<{ _id: string; total: number }>([
      { $match: inMonth },
      { $group: { _id: "$beneficiaryId", total: { $sum: "$amount" } } },
    ]).exec(),
  ]);
  const earned = new Map(earnings.map((row) => [row._id, row.total]));
  const rows = hires.map((row) => ({ _id: row._id, hires: row.count, earned: earned.get(row._id) ?? 0 }));
  const ranked = rows
    .filter((row) => row.hires > 0)
    .sort((a, b) => b.hires - a.hires || b.earned - a.earned || a._id.localeCompare(b._id));
  const users = new Map((await people.namesOf(ranked.map((row) => row._id))).map((user) => [user._id, user]));
  const entries = ranked.map((row, index) => {
    const user = users.get(row._id);
    return {
      rank: index + 1,
      userId: row._id,
      name: user === undefined ? "***" : publicName(user),
      hires: row.hires,
      earned: row.earned,
    };
  });
  const doc: LeaderboardDoc = { _id: month.id, computedAt: now, entries };
  await leaderboardModel(connection).replaceOne({ _id: month.id }, doc, { upsert: true }).exec();
  return doc;
}

export async function readLeaderboard(connection: Connection, now: Date): Promise<LeaderboardDoc | null> {
  return leaderboardModel(connection).findById(yangonMonth(now).id).lean<LeaderboardDoc>().exec();
}
