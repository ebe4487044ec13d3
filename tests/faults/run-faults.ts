/**
 * `npm run faults`: runs every fault scenario (tests/faults/*.faults.ts, one at a time, each against services it
 * starts and kills) and prints one row per scenario: accepted, lost, duplicated, stuck, uncertain (sends that may have
 * arrived: counted, never repeated), retried and recovered-in seconds. Exits non-zero if any scenario lost,
 * duplicated or left something stuck, or failed.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { FaultRow } from "./fault-kit.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(path.join(os.tmpdir(), "trm-faults-report-"));
const reportFile = path.join(dir, "report.jsonl");
const started = Date.now();

const code = await new Promise<number>((resolve) => {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, "node_modules/vitest/vitest.mjs"), "run", "--config", "tests/faults/vitest.config.ts"],
    { cwd: ROOT, env: { ...process.env, FAULTS_REPORT: reportFile }, stdio: ["ignore", "pipe", "inherit"] },
  );
  // Only the scenario lines and vitest's verdict; the services' own lines stay out of the way.
  child.stdout.on("data", (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n"))
      if (/\[fault\]|✓|×|Test Files|Tests |FAIL|Error/.test(line)) process.stdout.write(`${line}\n`);
  });
  child.on("exit", (exit) => resolve(exit ?? 1));
});

/** The rows the scenarios wrote (none when the run failed before any). */
function readRows(): FaultRow[] {
  try {
    return readFileSync(reportFile, "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as FaultRow);
  } catch {
    return [];
  }
}
const rows = readRows();
rmSync(dir, { recursive: true, force: true });

const header = ["scenario", "accepted", "lost", "duplicated", "stuck", "uncertain", "retried", "recovered in s"];
const table = [
  header,
  ...rows.map((row) => [
    row.scenario,
    String(row.accepted),
    String(row.lost),
    String(row.duplicated),
    String(row.stuck),
    String(row.uncertain),
    String(row.retried),
    String(row.recoveredIn),
  ]),
];
const widths = header.map((_, column) => Math.max(...table.map((cells) => (cells[column] ?? "").length)));
process.stdout.write("\n");
for (const cells of table)
  process.stdout.write(`${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")}\n`);
const bad = rows.filter((row) => row.lost > 0 || row.duplicated > 0 || row.stuck > 0);
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
const verdict =
  bad.length === 0 && code === 0
    ? "0 lost, 0 duplicated, 0 stuck"
    : `${bad.length} with losses, duplicates or stuck work; vitest exit ${code}`;
process.stdout.write(`\n${rows.length} scenarios in ${minutes} min: ${verdict}\n`);
process.exit(bad.length === 0 && code === 0 && rows.length > 0 ? 0 : 1);
