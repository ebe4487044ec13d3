import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { Resvg } from "@resvg/resvg-js";
import * as echarts from "echarts";

export const CHART_FONT_FAMILY = "Padauk";

/** The Padauk files in `dir` (regular and bold); empty when the font is not installed. */
export function chartFontFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /^Padauk-(Regular|Bold)\.ttf$/.test(name))
    .map((name) => path.join(dir, name));
}

/**
 * Renders an ECharts option to PNG without a browser or native canvas: ECharts' server-side SVG renderer, then
 * resvg (Rust, prebuilt for Node) rasterizes it with the Burmese-capable font only (no system font scan, so the
 * same picture everywhere the font is installed).
 */
export function renderChartPng(
  option: echarts.EChartsOption,
  size: { width: number; height: number },
  fonts: string[],
) {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: CHART_FONT_FAMILY }, ...option });
    const svg = chart.renderToSVGString();
    return new Resvg(svg, {
      background: "#ffffff",
      font: { loadSystemFonts: fonts.length === 0, fontFiles: fonts, defaultFontFamily: CHART_FONT_FAMILY },
    })
      .render()
      .asPng();
  } finally {
    chart.dispose();
  }
}
