import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildTestApp, type TestApp } from "../helpers/test-runtime.ts";

/**
 * The alert rules and the Grafana dashboard read only series the app exports (or the rules record): a renamed
 * metric would leave an alert silent forever and a panel empty. promtool itself checks and unit-tests the rules.
 */
const RULES = "infra/monitoring/rules.yml";
const DASHBOARD = "infra/monitoring/grafana-dashboard.json";
const PROMQL_WORDS = new Set([
  "sum",
  "rate",
  "increase",
  "histogram_quantile",
  "by",
  "le",
  "max",
  "min",
  "and",
  "or",
  "deriv",
  "on",
  "without",
]);

let t: TestApp;
let exported: Set<string>;

/** Metric names in a PromQL expression: identifiers that are not functions, keywords, labels or label values. */
function metricNames(expr: string): string[] {
  const withoutStrings = expr
    .replace(/"[^"]*"/g, '""')
    .replace(/\{[^}]*\}/g, "")
    .replace(/\[[^\]]*\]/g, "");
  const withoutGroups = withoutStrings.replace(/\b(by|without|on)\s*\([^)]*\)/g, "");
  return [...withoutGroups.matchAll(/[a-z_:][a-z0-9_:]*/gi)]
    .map((match) => match[0])
    .filter((name) => !PROMQL_WORDS.has(name) && !/^\d/.test(name));
}

beforeAll(async () => {
  t = await buildTestApp();
  const body = (await t.app.inject({ method: "GET", url: "/metrics" })).body;
  exported = new Set<string>();
  for (const [, name, type] of body.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (name === undefined) continue;
    exported.add(name);
    if (type === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) exported.add(name + suffix);
  }
});
afterAll(() => t.close());

describe("monitoring", () => {
  const rules = parse(readFileSync(RULES, "utf8")) as {
    groups: Array<{ rules: Array<{ record?: string; alert?: string; expr: string }> }>;
  };
  const all = rules.groups.flatMap((group) => group.rules);
  const recorded = new Set(all.flatMap((rule) => (rule.record === undefined ? [] : [rule.record])));

  it("finds the metric names in an expression (so the checks below are not vacuous)", () => {
    expect(metricNames('sum by (gateway) (increase(invoices_paid_total{gateway="x"}[30m])) / trm:a:b')).toEqual([
      "invoices_paid_total",
      "trm:a:b",
    ]);
    expect(exported.has("invoices_paid_total")).toBe(true);
    expect(exported.has("http_request_duration_seconds_bucket")).toBe(true);
  });

  it("every rule reads series the app exports or a rule records", () => {
    const unknown = all.flatMap((rule) =>
      metricNames(rule.expr).filter((name) => !exported.has(name) && !recorded.has(name)),
    );
    expect(unknown).toEqual([]);
    expect(all.filter((rule) => rule.alert !== undefined).length).toBeGreaterThanOrEqual(10);
  });

  it("every dashboard panel reads series the app exports or the rules record", () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, "utf8")) as {
      panels: Array<{ title: string; type: string; targets?: Array<{ expr: string }> }>;
    };
    const panels = dashboard.panels.filter((panel) => panel.type !== "row");
    expect(panels.length).toBeGreaterThanOrEqual(12);
    const unknown = panels.flatMap((panel) =>
      (panel.targets ?? []).flatMap((target) =>
        metricNames(target.expr)
          .filter((name) => !exported.has(name) && !recorded.has(name))
          .map((name) => `${panel.title}: ${name}`),
      ),
    );
    expect(unknown).toEqual([]);
  });

  it("promtool checks the rules and their unit tests pass (a firing and a silent case per alert)", () => {
    const output = execFileSync("promtool", ["test", "rules", "infra/monitoring/rules.test.yml"], { encoding: "utf8" });
    expect(output).toContain("SUCCESS");
    const tests = readFileSync("infra/monitoring/rules.test.yml", "utf8");
    for (const rule of all.filter((entry) => entry.alert !== undefined)) {
      const name = rule.alert ?? "";
      const cases = [...tests.matchAll(new RegExp(`alertname: ${name}\\n\\s+exp_alerts:(\\s*\\[\\])?`, "g"))];
      expect({ name, firing: cases.some((c) => c[1] === undefined) }).toEqual({ name, firing: true });
      expect({ name, silent: cases.some((c) => c[1] !== undefined) }).toEqual({ name, silent: true });
    }
  });
});
