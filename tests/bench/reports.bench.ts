/**
 * Operators' tools at a month's scale on FerretDB: 10,000 people active over 30 days (30,000 activity days), 3,000
 * referrals, 20,000 ledger transactions. Prints the time of each /stats chart (first, with the libraries loading, and
 * again uncached), the size and time of the ledger export in CSV and XLSX, and a backup and restore (size, seconds,
 * documents per second), with the process's peak RSS.
 */
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BackupService } from "../../core/backup/backup-service.ts";
import { FsBlobStore } from "../../core/files/blob-store.ts";
import { createTranslator } from "../../core/i18n/translator.ts";
import { render } from "../../core/reports/export-file.ts";
import { FinanceExports } from "../../core/reports/finance-exports.ts";
import { StatsCharts, type ChartKind } from "../../core/reports/stats-charts.ts";
import { StatsFigures } from "../../core/reports/stats-figures.ts";
import { yangonDay } from "../../core/values/yangon-time.ts";
import { benchRuntime } from "./bench-env.ts";

const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 10_000);
const env = await benchRuntime({ ENCRYPTION_KEY: `b1:${Buffer.alloc(32, 3).toString("base64")}` });
const db = env.runtime.mongo.db!;
const now = new Date();
const DAY = 24 * 3600_000;
let peakRss = 0;
const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

async function insertMany(name: string, docs: Array<Record<string, unknown>>): Promise<void> {
  for (let i = 0; i < docs.length; i += 1_000) await db.collection(name).insertMany(docs.slice(i, i + 1_000));
}

const seedStart = performance.now();
await insertMany(
  "activity_days",
  Array.from({ length: PEOPLE * 3 }, (_, i) => {
    const day = yangonDay(new Date(now.getTime() - (i % 30) * DAY));
    return {
      _id: `${day}:U${i}`,
      day,
      userId: `U${i % PEOPLE}`,
      channel: i % 3 === 0 ? "vb" : "tg",
      joined: i < PEOPLE,
    };
  }),
);
const stages = ["screening", "interview", "offered", "hired"];
await insertMany(
  "referrals",
  Array.from({ length: 3_000 }, (_, i) => {
    const depth = i % 5;
    const history = stages
      .slice(0, depth)
      .map((to, step) => ({ from: step === 0 ? "submitted" : stages[step - 1], to }));
    return {
      _id: `RB${i}`,
      createdAt: new Date(now.getTime() - (i % 25) * DAY),
      history,
      hiredAt: depth === 4 ? new Date(now.getTime() - (i % 50) * DAY) : null,
    };
  }),
);
await insertMany(
  "ledger_entries",
  Array.from({ length: 20_000 }, (_, i) => ({
    _id: `user:U${i % PEOPLE}:${Math.floor(i / PEOPLE) + 1}`,
    owner: `user:U${i % PEOPLE}`,
    seq: Math.floor(i / PEOPLE) + 1,
    txKey: `bench:${i}`,
    postings: [
      { account: `user:U${i % PEOPLE}:available`, amount: 5_000 },
      { account: "system:rewards_payable", amount: -5_000 },
    ],
    memo: { code: "referral_bonus", params: {} },
    at: new Date(now.getTime() - (i % 30) * DAY),
    balances: { available: 5_000 },
  })),
);
console.log(
  `seeded ${PEOPLE * 3 + 3_000 + 20_000} documents in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
);

const mib = () => `${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`;
console.log(`RSS after seeding ${mib()}`);
const translator = await createTranslator();
const fontDir = "/usr/share/fonts/truetype/padauk";
for (const kind of ["overview", "growth", "funnel", "money"] as ChartKind[]) {
  const charts = new StatsCharts({ figures: new StatsFigures(env.runtime.mongo), translator, fontDir, ttlMs: 0 });
  const t0 = performance.now();
  const first = await charts.render(kind, "my", now);
  const t1 = performance.now();
  const again = await charts.render(kind, "en", now);
  const t2 = performance.now();
  console.log(
    `/stats ${kind.padEnd(8)} first ${(t1 - t0).toFixed(0)} ms, again (uncached) ${(t2 - t1).toFixed(0)} ms ` +
      `(figures ${again.timings.read.toFixed(0)} ms, drawing ${again.timings.draw.toFixed(0)} ms), ` +
      `PNG ${(first.png.length / 1024).toFixed(0)} KiB`,
  );
}

console.log(`RSS after charts ${mib()}, peak ${(peakRss / 1024 / 1024).toFixed(0)} MiB`);
const exportsService = new FinanceExports({ connection: env.runtime.mongo, payouts: null as never });
const t = translator.t("my");
for (const format of ["csv", "xlsx"] as const) {
  const t0 = performance.now();
  const table = await exportsService.ledger(t, new Date(now.getTime() - 31 * DAY), new Date(now.getTime() + DAY));
  const bytes = await render(table, format);
  console.log(
    `/ledger ${format.padEnd(4)} ${table.rows.length} rows: ${(bytes.length / 1024).toFixed(0)} KiB in ` +
      `${((performance.now() - t0) / 1000).toFixed(2)} s`,
  );
}

console.log(`RSS after exports ${mib()}, peak ${(peakRss / 1024 / 1024).toFixed(0)} MiB`);
const work = mkdtempSync(path.join(os.tmpdir(), "trm-bench-backup-"));
const backups = new BackupService({
  connection: env.runtime.mongo,
  blobs: new FsBlobStore(path.join(work, "storage")),
  config: {
    backup: { dir: path.join(work, "backups"), retention: 30, s3: undefined, schedule: "worker" },
    encryptionKeys: env.config.encryptionKeys,
  },
});
const report = await backups.run();
const documents = Object.values(report.counts).reduce((a, b) => a + b, 0);
console.log(
  `backup: ${documents} documents, ${(report.bytes / 1024 / 1024).toFixed(1)} MiB in ${report.seconds.toFixed(1)} s ` +
    `(${(documents / report.seconds).toFixed(0)} documents/s)`,
);
await db.dropDatabase();
const r0 = performance.now();
await backups.restore(report.name);
const restoreSeconds = (performance.now() - r0) / 1000;
const perSecond = (documents / restoreSeconds).toFixed(0);
console.log(`restore: ${documents} documents in ${restoreSeconds.toFixed(1)} s (${perSecond} documents/s), checked`);
clearInterval(sample);
console.log(`peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MiB`);
await env.close();
