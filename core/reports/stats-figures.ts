import type { Connection } from "mongoose";
import { callbackModel } from "../payments/callback-intake.ts";
import { payoutModels } from "../payouts/payout-models.ts";
import { referralModels } from "../referrals/referral-model.ts";
import { rewardModel } from "../referrals/reward-service.ts";
import { activityModel, type ActivityLog } from "../users/activity-days.ts";
import { YANGON_OFFSET_MS, yangonDay, yangonMidnight, yangonMonth } from "../values/yangon-time.ts";
import { countBy, datesOf } from "./group-counts.ts";

const DAY_MS = 24 * 3600_000;
export const FUNNEL_STAGES = ["submitted", "screening", "interview", "offered", "hired"] as const;
export const GATEWAYS = ["kbzpay", "wavepay", "ayapay"] as const;

export interface GrowthFigures {
  /** The last 30 Yangon days, oldest first (`2026-11-02`). */
  days: string[];
  active: { tg: number[]; vb: number[] };
  joined: number[];
}

export interface FunnelFigures {
  /** The Yangon month (`2026-12`) whose referrals are counted. */
  month: string;
  /** Referrals made this month that reached each stage, submitted first. */
  reached: number[];
}

export interface MoneyFigures {
  /** The last 8 Yangon weeks by their Monday (`2026-11-30`), oldest first. */
  weeks: string[];
  hires: number[];
  /** Kyat of rewards that became available. */
  rewards: number[];
  payoutsRequested: number[];
  payoutsPaid: number[];
  /** Gateway callbacks of the last 30 days that settled or failed a payment. */
  gateways: Array<{ gateway: string; paid: number; failed: number }>;
}

/** The Yangon days of the 30-day window ending today. */
export function lastDays(now: Date, count = 30): string[] {
  const today = yangonMidnight(now).getTime();
  return Array.from({ length: count }, (_, index) => yangonDay(new Date(today - (count - 1 - index) * DAY_MS)));
}

/** The Monday 00:00 Yangon that starts each of the last `count` weeks, oldest first. */
export function lastWeeks(now: Date, count = 8): Date[] {
  const midnight = yangonMidnight(now).getTime();
  const weekday = (new Date(midnight + YANGON_OFFSET_MS).getUTCDay() + 6) % 7;
  const monday = midnight - weekday * DAY_MS;
  return Array.from({ length: count }, (_, index) => new Date(monday - (count - 1 - index) * 7 * DAY_MS));
}

function byWeek(weeks: Date[], rows: Array<{ at: Date; amount: number }>, sum: boolean): number[] {
  const totals = weeks.map(() => 0);
  for (const row of rows) {
    for (let index = weeks.length - 1; index >= 0; index--) {
      if (row.at.getTime() >= (weeks[index] as Date).getTime()) {
        totals[index] = (totals[index] ?? 0) + (sum ? row.amount : 1);
        break;
      }
    }
  }
  return totals;
}

/**
 * The numbers behind the admin charts, each read by a few aggregations that hold on FerretDB and MongoDB (see
 * {@link countBy}). Admin requests only, cached by the caller.
 */
export class StatsFigures {
  private readonly connection: Connection;
  private readonly activity: Pick<ActivityLog, "flush"> | undefined;

  constructor(connection: Connection, activity?: Pick<ActivityLog, "flush">) {
    this.connection = connection;
    this.activity = activity;
  }

  async growth(now: Date): Promise<GrowthFigures> {
    // The days recorded in the last seconds are still buffered: written first, so the chart counts them.
    await this.activity?.flush();
    const days = lastDays(now);
    const model = activityModel(this.connection);
    const since = { day: { $gte: days[0] } };
    // One pass: people per day, channel and whether they joined that day.
    const rows = (await countBy(model, since, { day: "$day", channel: "$channel", joined: "$joined" })).flatMap(
      (row) =>
        typeof row.key === "object"
          ? [{ day: row.key.day, channel: row.key.channel, joined: String(row.key.joined) === "true", n: row.n }]
          : [],
    );
    const total = (day: string, keep: (row: (typeof rows)[number]) => boolean) =>
      rows.filter((row) => row.day === day && keep(row)).reduce((sum, row) => sum + row.n, 0);
    return {
      days,
      active: {
        tg: days.map((day) => total(day, (row) => row.channel === "tg")),
        vb: days.map((day) => total(day, (row) => row.channel === "vb")),
      },
      joined: days.map((day) => total(day, (row) => row.joined)),
    };
  }

  async funnel(now: Date): Promise<FunnelFigures> {
    const month = yangonMonth(now);
    const { Referral } = referralModels(this.connection);
    const match = { createdAt: { $gte: month.start, $lt: month.end } };
    const [submitted, moves] = await Promise.all([
      Referral.countDocuments(match).exec(),
      countBy(Referral, match, "$history.to", "$history"),
    ]);
    // The pipeline only moves forward, so a referral reaches each stage at most once.
    const reached = FUNNEL_STAGES.map((stage) =>
      stage === "submitted" ? submitted : (moves.find((row) => row.key === stage)?.n ?? 0),
    );
    return { month: month.id, reached };
  }

  async money(now: Date): Promise<MoneyFigures> {
    const weeks = lastWeeks(now);
    const since = { $gte: weeks[0] };
    const { Referral } = referralModels(this.connection);
    const { Payout } = payoutModels(this.connection);
    const [hires, rewards, requested, paid, callbacks] = await Promise.all([
      datesOf(Referral, { hiredAt: since }, "hiredAt"),
      datesOf(rewardModel(this.connection), { status: "available", releasedAt: since }, "releasedAt", "amount"),
      datesOf(Payout, { requestedAt: since }, "requestedAt"),
      datesOf(Payout, { status: "paid", paidAt: since }, "paidAt"),
      countBy(
        callbackModel(this.connection),
        { receivedAt: { $gte: new Date(now.getTime() - 30 * DAY_MS) }, outcome: { $in: ["paid", "failed"] } },
        { gateway: "$gateway", outcome: "$outcome" },
      ),
    ]);
    const count = (gateway: string, outcome: string) =>
      callbacks.find((row) => typeof row.key === "object" && row.key.gateway === gateway && row.key.outcome === outcome)
        ?.n ?? 0;
    return {
      weeks: weeks.map((week) => yangonDay(week)),
      hires: byWeek(weeks, hires, false),
      rewards: byWeek(weeks, rewards, true),
      payoutsRequested: byWeek(weeks, requested, false),
      payoutsPaid: byWeek(weeks, paid, false),
      gateways: GATEWAYS.map((gateway) => ({
        gateway,
        paid: count(gateway, "paid"),
        failed: count(gateway, "failed"),
      })),
    };
  }
}
