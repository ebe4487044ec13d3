import type { Action, FlowContext, Reply } from "../../engine/contract.ts";
import { CHART_KINDS, type ChartKind } from "../../../core/reports/stats-charts.ts";
import { yangonTime } from "../../../core/values/yangon-time.ts";
import type { AdminServices } from "./services.ts";

async function statsText(ctx: FlowContext<AdminServices>): Promise<string> {
  const [figures, depths] = await Promise.all([
    ctx.services.userFigures(ctx.now),
    ctx.services.queueDepths().catch(() => []),
  ]);
  const byQueue = new Map<string, Record<string, number>>();
  for (const row of depths) byQueue.set(row.queue, { ...(byQueue.get(row.queue) ?? {}), [row.state]: row.count });
  const queues =
    [...byQueue.entries()]
      .map(([queue, counts]) => `${queue}: ${counts.waiting ?? 0} / ${counts.delayed ?? 0} / ${counts.failed ?? 0}`)
      .join("\n") || "—";
  return ctx.t("admin:stats", {
    time: yangonTime(ctx.now),
    total: figures.total,
    tg: figures.byChannel.tg,
    vb: figures.byChannel.vb,
    en: figures.byLanguage.en,
    my: figures.byLanguage.my,
    today: figures.newToday,
    week: figures.new7Days,
    day: figures.active.day,
    week7: figures.active.week,
    month: figures.active.month,
    unreachable: figures.unreachable,
    banned: figures.banned,
    queues,
  });
}

/** The chart of `kind` as a picture (a private link for Viber, which fetches media by URL) with its caption. */
async function chartReply(ctx: FlowContext<AdminServices>, kind: ChartKind): Promise<Reply[]> {
  try {
    const chart = await ctx.services.reports.render(kind, ctx.user.language, ctx.now);
    const name = `stats-${kind}.png`;
    const link = await ctx.services.media.links.issueBytes(chart.png, "image/png", name);
    const caption = `${chart.caption}\n${ctx.t("admin:charts.usage")}`;
    return [{ kind: "file", name, mime: "image/png", bytes: chart.png, link, caption }];
  } catch (error) {
    ctx.logger.error({ err: error, kind }, "stats chart failed");
    return [{ kind: "text", text: `${ctx.t("admin:charts.failed")}\n\n${await statsText(ctx)}` }];
  }
}

async function stats(ctx: FlowContext<AdminServices>, args: string): Promise<{ replies: Reply[] }> {
  const word = args.trim().toLowerCase();
  if (word === "text") return { replies: [{ kind: "text", text: await statsText(ctx) }] };
  if (word === "") return { replies: await chartReply(ctx, "overview") };
  const kind = CHART_KINDS.find((entry) => entry === word);
  if (kind === undefined) return { replies: [{ kind: "text", text: ctx.t("admin:charts.usage") }] };
  return { replies: await chartReply(ctx, kind) };
}

/** `/stats [growth|funnel|money|text]` and Stats in /admin: charts of the business, or the figures as text. */
export const statsActions: Action<AdminServices>[] = [
  { id: "stats", gate: "stats", run: (ctx, args) => stats(ctx, args) },
  { id: "admin.stats", gate: "stats", run: (ctx) => stats(ctx, "") },
];
