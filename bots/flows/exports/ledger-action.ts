import { toAsciiDigits } from "../../../core/myanmar/index.ts";
import { YANGON_OFFSET_MS, yangonMonth } from "../../../core/values/yangon-time.ts";
import type { Action } from "../../engine/contract.ts";
import type { PayoutsServices } from "../payouts/services.ts";
import { exportFormat, exportReply } from "./export-reply.ts";

const DAY_MS = 24 * 3600_000;
const MAX_DAYS = 366;

/** The Yangon midnight starting `2026-11-01` (any digits), or null for a date that does not exist. */
function yangonDayStart(text: string): Date | null {
  const match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(toAsciiDigits(text));
  if (match === null) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const utc = Date.UTC(year, month - 1, day);
  const check = new Date(utc);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return new Date(utc - YANGON_OFFSET_MS);
}

/**
 * The range `/ledger` covers: both days given, inclusive, in Yangon time (at most a year), or this Yangon month so
 * far with no dates; null when the dates are wrong.
 */
export function ledgerRange(words: string[], now: Date): { from: Date; to: Date } | null {
  if (words.length === 0) return { from: yangonMonth(now).start, to: yangonMonth(now).end };
  if (words.length !== 2) return null;
  const from = yangonDayStart(words[0] ?? "");
  const last = yangonDayStart(words[1] ?? "");
  if (from === null || last === null) return null;
  const to = new Date(last.getTime() + DAY_MS);
  if (to <= from || to.getTime() - from.getTime() > MAX_DAYS * DAY_MS) return null;
  return { from, to };
}

/** `/ledger csv|xlsx [from to]`: every leg of every ledger transaction in the range, for finance. */
export const ledgerAction: Action<PayoutsServices> = {
  id: "ledger",
  gate: "finance",
  run: async (ctx, args) => {
    const [first, ...rest] = args.trim().split(/\s+/).filter(Boolean);
    const format = exportFormat(first);
    const range = format === null ? null : ledgerRange(rest, ctx.now);
    if (format === null || range === null) return { replies: [{ kind: "text", text: ctx.t("exports:ledger_usage") }] };
    const table = await ctx.services.exports.ledger(ctx.t, range.from, range.to);
    const filter = { from: range.from.toISOString(), to: range.to.toISOString() };
    return {
      replies: [await exportReply(ctx, { table, format, section: "finance", action: "ledger.export", filter })],
    };
  },
};
