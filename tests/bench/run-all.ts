/**
 * `npm run bench`: runs every `*.bench.ts` in this folder (or those named on the command line) one after another,
 * each in its own process with a time budget (killed past it, and counted as failed), and ends with one table of the
 * headline figures the benchmarks reported (see summary.ts): figure, value, goal, ratio. Each runs with the V8 heap
 * cap the platform ships with (`npm start`, the image).
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { SHIPPED_HEAP_FLAG } from "./shipped-heap.ts";
import { SUMMARY_MARK, type SummaryRow } from "./summary.ts";

const dir = import.meta.dirname;
const wanted = process.argv.slice(2);
const BUDGET_MS = Number(process.env.BENCH_BUDGET_MS ?? 15 * 60_000);
const files = readdirSync(dir)
  .filter((file) => file.endsWith(".bench.ts"))
  .filter((file) => wanted.length === 0 || wanted.some((name) => file.includes(name)))
  .sort();

function run(file: string): Promise<{ code: number | null; rows: SummaryRow[]; seconds: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const rows: SummaryRow[] = [];
    const flags = SHIPPED_HEAP_FLAG === "" ? [] : [SHIPPED_HEAP_FLAG];
    const child = spawn(process.execPath, [...flags, path.join(dir, file)], { stdio: ["ignore", "pipe", "inherit"] });
    let pending = "";
    child.stdout.on("data", (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (line.startsWith(SUMMARY_MARK)) rows.push(JSON.parse(line.slice(SUMMARY_MARK.length)) as SummaryRow);
        else console.log(line);
      }
    });
    const timer = setTimeout(() => {
      console.log(`${file}: over its ${BUDGET_MS / 60_000} min budget, stopped`);
      child.kill("SIGKILL");
    }, BUDGET_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, rows, seconds: (performance.now() - started) / 1000 });
    });
  });
}

let failed = 0;
const table: Array<SummaryRow & { bench: string }> = [];
for (const file of files) {
  console.log(`\n## ${file}`);
  const { code, rows, seconds } = await run(file);
  console.log(`(${file}: ${seconds.toFixed(0)} s, exit ${String(code)})`);
  if (code !== 0) failed++;
  for (const row of rows) table.push({ ...row, bench: file.replace(".bench.ts", "") });
}

console.log("\n## summary\n");
console.log("| benchmark | figure | value | goal | ratio | met |");
console.log("|---|---|---|---|---|---|");
for (const row of table) {
  const met = row.met === undefined ? "" : row.met ? "yes" : "**no**";
  const ratio = row.ratio === undefined ? "" : row.ratio.toFixed(2);
  console.log(`| ${row.bench} | ${row.figure} | ${row.value} ${row.unit} | ${row.goal} | ${ratio} | ${met} |`);
}
process.exit(failed === 0 ? 0 : 1);
