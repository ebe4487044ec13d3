import type { EChartsOption } from "echarts";
import type { TFunction } from "i18next";
import type { Translator } from "../i18n/translator.ts";
import type { Language } from "../users/user-model.ts";
import { formatKyat } from "../values/money.ts";
import { yangonTime } from "../values/yangon-time.ts";
import type { StatsFigures } from "./stats-figures.ts";
import { FUNNEL_STAGES, type FunnelFigures, type GrowthFigures, type MoneyFigures } from "./stats-figures.ts";

export const CHART_KINDS = ["overview", "growth", "funnel", "money"] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

type PanelId = "active" | "joined" | "funnel" | "hires" | "payouts" | "gateways";
const PANELS: Record<ChartKind, PanelId[]> = {
  overview: ["active", "joined", "funnel", "hires", "payouts", "gateways"],
  growth: ["active", "joined"],
  funnel: ["funnel"],
  money: ["hires", "payouts", "gateways"],
};
const PANEL_WIDTH = 640;
const PANEL_HEIGHT = 380;
const HEADER = 56;
const COLORS = ["#2f6fdb", "#7b4fd6", "#1d9a6c", "#e08a1e", "#d64545"];

export interface Figures {
  growth: GrowthFigures;
  funnel: FunnelFigures;
  money: MoneyFigures;
}

export interface RenderedChart {
  png: Buffer;
  caption: string;
  figures: Figures;
  /** Milliseconds reading the figures and drawing the picture. */
  timings: { read: number; draw: number };
}

/** Figures a picture does not show. */
const EMPTY: Figures = {
  growth: { days: [], active: { tg: [], vb: [] }, joined: [] },
  funnel: { month: "", reached: [] },
  money: { weeks: [], hires: [], rewards: [], payoutsRequested: [], payoutsPaid: [], gateways: [] },
};

const BURMESE_DIGITS = "၀၁၂၃၄၅၆၇၈၉";
/** Latin digits as the reader's: Burmese digits in a Burmese chart. */
export const digitsFor = (language: Language) => (text: string | number) =>
  language === "my" ? String(text).replace(/[0-9]/g, (digit) => BURMESE_DIGITS[Number(digit)] ?? digit) : String(text);

/** Payment success in whole percent, or null with no payment attempts. */
export const successRate = (row: { paid: number; failed: number }): number | null =>
  row.paid + row.failed === 0 ? null : Math.round((row.paid / (row.paid + row.failed)) * 100);

function panelOption(id: PanelId, figures: Figures, t: TFunction, digits: (text: string | number) => string) {
  const shortDay = (day: string) => digits(day.slice(5));
  const axisLabel = { formatter: (value: string | number) => digits(value), color: "#444" };
  switch (id) {
    case "active":
      return {
        title: t("admin:charts.active"),
        x: figures.growth.days.map(shortDay),
        series: [
          { name: t("admin:charts.telegram"), type: "line", data: figures.growth.active.tg, smooth: true },
          { name: t("admin:charts.viber"), type: "line", data: figures.growth.active.vb, smooth: true },
        ],
        axisLabel,
      };
    case "joined":
      return {
        title: t("admin:charts.joined"),
        x: figures.growth.days.map(shortDay),
        series: [{ name: t("admin:charts.new_people"), type: "bar", data: figures.growth.joined }],
        axisLabel,
      };
    case "hires":
      return {
        title: t("admin:charts.hires"),
        x: figures.money.weeks.map(shortDay),
        series: [
          { name: t("admin:charts.hired"), type: "bar", data: figures.money.hires },
          { name: t("admin:charts.rewards"), type: "line", data: figures.money.rewards, yAxisIndex: 1 },
        ],
        axisLabel,
        secondAxis: true,
      };
    case "payouts":
      return {
        title: t("admin:charts.payouts"),
        x: figures.money.weeks.map(shortDay),
        series: [
          { name: t("admin:charts.requested"), type: "bar", data: figures.money.payoutsRequested },
          { name: t("admin:charts.paid"), type: "bar", data: figures.money.payoutsPaid },
        ],
        axisLabel,
      };
    case "gateways":
      return {
        title: t("admin:charts.gateways"),
        x: figures.money.gateways.map((row) => t(`admin:charts.gateway.${row.gateway}`)),
        series: [
          {
            name: t("admin:charts.success"),
            type: "bar",
            data: figures.money.gateways.map((row) => successRate(row) ?? 0),
            label: {
              show: true,
              position: "top",
              formatter: (param: { dataIndex: number }) => {
                const row = figures.money.gateways[param.dataIndex];
                const rate = row === undefined ? null : successRate(row);
                return rate === null ? t("admin:charts.no_payments") : `${digits(rate)}%`;
              },
            },
            markLine: {
              symbol: "none",
              label: { formatter: (param: { value: number }) => `${digits(param.value)}%` },
              data: [
                { yAxis: 98, lineStyle: { color: "#e08a1e" } },
                { yAxis: 95, lineStyle: { color: "#d64545" } },
              ],
            },
          },
        ],
        axisLabel,
        max: 100,
      };
    case "funnel":
      return null;
  }
}

/** One picture of `kind`'s panels, two columns when there are several, each with its title and legend. */
export function chartOption(kind: ChartKind, figures: Figures, language: Language, t: TFunction, now: Date) {
  const digits = digitsFor(language);
  const panels = PANELS[kind];
  const columns = panels.length > 2 ? 2 : 1;
  const rows = Math.ceil(panels.length / columns);
  const size = { width: columns * PANEL_WIDTH, height: HEADER + rows * PANEL_HEIGHT };
  const titles: object[] = [
    { text: t(`admin:charts.title.${kind}`), subtext: digits(`${yangonTime(now)} (Yangon)`), left: 16, top: 8 },
  ];
  const grids: object[] = [];
  const xAxes: object[] = [];
  const yAxes: object[] = [];
  const series: object[] = [];
  const legends: object[] = [];
  panels.forEach((id, index) => {
    const left = (index % columns) * PANEL_WIDTH;
    const top = HEADER + Math.floor(index / columns) * PANEL_HEIGHT;
    titles.push({ text: t(`admin:charts.panel.${id}`), left: left + 16, top: top + 8, textStyle: { fontSize: 15 } });
    if (id === "funnel") {
      const reached = figures.funnel.reached;
      series.push({
        type: "funnel",
        left: left + 40,
        top: top + 48,
        width: PANEL_WIDTH - 80,
        height: PANEL_HEIGHT - 72,
        sort: "none",
        minSize: "8%",
        label: { position: "inside", color: "#fff", fontSize: 13 },
        data: FUNNEL_STAGES.map((stage, at) => {
          const share =
            at === 0 || (reached[0] ?? 0) === 0 ? 100 : Math.round(((reached[at] ?? 0) / reached[0]!) * 100);
          return {
            name: `${t(`admin:charts.stage.${stage}`)}: ${digits(reached[at] ?? 0)} (${digits(share)}%)`,
            value: Math.max(reached[at] ?? 0, 0.0001),
            itemStyle: { color: COLORS[at % COLORS.length] },
          };
        }),
      });
      return;
    }
    const panel = panelOption(id, figures, t, digits);
    if (panel === null) return;
    const gridIndex = grids.length;
    grids.push({ left: left + 56, top: top + 64, width: PANEL_WIDTH - 120, height: PANEL_HEIGHT - 120 });
    xAxes.push({ type: "category", gridIndex, data: panel.x, axisLabel: { color: "#444", hideOverlap: true } });
    const firstY = yAxes.length;
    yAxes.push({ type: "value", gridIndex, minInterval: 1, axisLabel: panel.axisLabel, max: panel.max });
    if (panel.secondAxis === true)
      yAxes.push({ type: "value", gridIndex, axisLabel: panel.axisLabel, splitLine: { show: false } });
    legends.push({ data: panel.series.map((entry) => entry.name), left: left + 56, top: top + 34, itemHeight: 10 });
    for (const entry of panel.series) {
      const { yAxisIndex, ...rest } = entry as typeof entry & { yAxisIndex?: number };
      series.push({ ...rest, xAxisIndex: gridIndex, yAxisIndex: firstY + (yAxisIndex ?? 0) });
    }
  });
  const option: EChartsOption = {
    color: COLORS,
    title: titles,
    legend: legends,
    grid: grids,
    xAxis: xAxes,
    yAxis: yAxes,
    series: series,
  };
  return { option, size };
}

/** Key figures under the picture, in the admin's language (≤ 768 characters, Viber's picture text limit). */
export function chartCaption(kind: ChartKind, figures: Figures, language: Language, t: TFunction, now: Date): string {
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const last = (values: number[]) => values[values.length - 1] ?? 0;
  const gateways = figures.money.gateways.reduce(
    (total, row) => ({ paid: total.paid + row.paid, failed: total.failed + row.failed }),
    { paid: 0, failed: 0 },
  );
  const rate = successRate(gateways);
  const params = {
    time: yangonTime(now),
    active: last(figures.growth.active.tg) + last(figures.growth.active.vb),
    joined: sum(figures.growth.joined),
    referrals: figures.funnel.reached[0] ?? 0,
    hired: figures.funnel.reached[FUNNEL_STAGES.length - 1] ?? 0,
    hires: sum(figures.money.hires),
    rewards: formatKyat(sum(figures.money.rewards), language),
    paid: sum(figures.money.payoutsPaid),
    rate: rate === null ? "—" : `${digitsFor(language)(rate)}%`,
  };
  return t(`admin:charts.caption.${kind}`, params);
}

/** `/stats` pictures: figures read, drawn and captioned in the admin's language, each kept a few minutes. */
export class StatsCharts {
  private readonly figures: StatsFigures;
  private readonly translator: Translator;
  private readonly fontDir: string;
  private readonly ttlMs: number;
  private readonly cache = new Map<string, { until: number; chart: RenderedChart }>();

  constructor(deps: { figures: StatsFigures; translator: Translator; fontDir: string; ttlMs?: number }) {
    this.figures = deps.figures;
    this.translator = deps.translator;
    this.fontDir = deps.fontDir;
    this.ttlMs = deps.ttlMs ?? 5 * 60_000;
  }

  async render(kind: ChartKind, language: Language, now: Date): Promise<RenderedChart> {
    const key = `${kind}:${language}`;
    const cached = this.cache.get(key);
    if (cached !== undefined && cached.until > now.getTime()) return cached.chart;
    // Only the figures this picture and its caption show: each set is a few scans of its collection on FerretDB.
    const needs = (part: ChartKind) => kind === "overview" || kind === part;
    const t0 = performance.now();
    const [growth, funnel, money] = await Promise.all([
      needs("growth") ? this.figures.growth(now) : EMPTY.growth,
      needs("funnel") ? this.figures.funnel(now) : EMPTY.funnel,
      needs("money") ? this.figures.money(now) : EMPTY.money,
    ]);
    const figures = { growth, funnel, money };
    const read = performance.now() - t0;
    const t = this.translator.t(language);
    const { option, size } = chartOption(kind, figures, language, t, now);
    // ECharts and resvg load on the first chart only: most processes never draw one.
    const { chartFontFiles, renderChartPng } = await import("./chart-png.ts");
    const t1 = performance.now();
    const png = renderChartPng(option, size, chartFontFiles(this.fontDir));
    const timings = { read, draw: performance.now() - t1 };
    const chart = { png, caption: chartCaption(kind, figures, language, t, now), figures, timings };
    this.cache.set(key, { until: now.getTime() + this.ttlMs, chart });
    return chart;
  }
}
