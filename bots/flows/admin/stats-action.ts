import type { Action, FlowContext } from "../../engine/contract.ts";
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

/** `/stats` and Stats in /admin: platform figures in Yangon time; later features add their lines. */
export const statsActions: Action<AdminServices>[] = [
  { id: "stats", gate: "stats", run: async (ctx) => ({ replies: [{ kind: "text", text: await statsText(ctx) }] }) },
  {
    id: "admin.stats",
    gate: "stats",
    run: async (ctx) => ({ replies: [{ kind: "text", text: await statsText(ctx) }] }),
  },
];
