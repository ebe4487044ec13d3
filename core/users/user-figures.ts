import type { Connection } from "mongoose";
import { userModels } from "./user-model.ts";
import { yangonMidnight } from "../values/yangon-time.ts";

const DAY_MS = 24 * 3600_000;

export interface UserFigures {
  total: number;
  byChannel: { tg: number; vb: number };
  byLanguage: { en: number; my: number };
  newToday: number;
  new7Days: number;
  active: { day: number; week: number; month: number };
  unreachable: number;
  banned: number;
}

/**
 * Figures for /stats. Counting queries scan on FerretDB (only `_id` is
 * indexed there) and use the indexes on MongoDB; this runs on an admin's
 * request only, never on a user's path.
 */
export async function userFigures(connection: Connection, now: Date): Promise<UserFigures> {
  const { User, Identity } = userModels(connection);
  const live = { status: { $nin: ["merged" as const, "deleted" as const] } };
  const since = (ms: number) => new Date(now.getTime() - ms);
  const [total, tg, vb, en, my, newToday, new7Days, day, week, month, unreachable, banned] = await Promise.all([
    User.countDocuments(live).exec(),
    Identity.countDocuments({ channel: "tg" }).exec(),
    Identity.countDocuments({ channel: "vb" }).exec(),
    User.countDocuments({ ...live, language: "en" }).exec(),
    User.countDocuments({ ...live, language: "my" }).exec(),
    User.countDocuments({ ...live, createdAt: { $gte: yangonMidnight(now) } }).exec(),
    User.countDocuments({ ...live, createdAt: { $gte: since(7 * DAY_MS) } }).exec(),
    User.countDocuments({ ...live, lastSeenAt: { $gte: since(DAY_MS) } }).exec(),
    User.countDocuments({ ...live, lastSeenAt: { $gte: since(7 * DAY_MS) } }).exec(),
    User.countDocuments({ ...live, lastSeenAt: { $gte: since(30 * DAY_MS) } }).exec(),
    Identity.countDocuments({ reachable: false }).exec(),
    User.countDocuments({ status: "banned" }).exec(),
  ]);
  return {
    total,
    byChannel: { tg, vb },
    byLanguage: { en, my },
    newToday,
    new7Days,
    active: { day, week, month },
    unreachable,
    banned,
  };
}
