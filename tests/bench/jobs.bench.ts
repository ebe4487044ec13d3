/**
 * Jobs: search latency over 10,000 open jobs for a fixed mix of Burmese and
 * English queries (in-memory index, as served), the time to load that index
 * from the database, and the time to enqueue alerts for one job matching
 * 50,000 subscribers (bulk notification records + BullMQ jobs; not delivered).
 */
import { Worker } from "bullmq";
import { alertModel } from "../../core/catalog/alert-service.ts";
import { catalogModels } from "../../core/catalog/catalog-models.ts";
import { CatalogService } from "../../core/catalog/catalog-service.ts";
import { demoCatalog } from "../../core/demo/seed-catalog.ts";
import { notificationModel } from "../../core/notifications/notification-service.ts";
import { platformQueues } from "../../jobs/definitions.ts";
import { JOB_ALERTS_QUEUE } from "../../jobs/alerts/job-alerts.ts";
import type { JobAlertData } from "../../core/catalog/alert-texts.ts";
import { composeCore } from "../../webhooks/compose-core.ts";
import { benchRuntime } from "./bench-env.ts";
import { percentile } from "./load.ts";
import { EventHub } from "../../core/events/event-hub.ts";

const JOBS = Number(process.env.BENCH_JOBS ?? 10_000);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 50_000);
const QUERIES = [
  "ကားမောင်း",
  "ကားေမာင္း",
  "စာရင်းကိုင်",
  "ဟိုတယ်",
  "သူနာပြု",
  "အင်္ဂလိပ်စာ ဆရာ",
  "driver",
  "accountants",
  "Hotel receptionist",
  "nurse",
  "web developer",
  "security guard",
];
const FILTERS = [
  {},
  { region: "yangon" as const },
  { category: "hospitality" as const, region: "mandalay" as const },
  { minSalary: 500_000 },
];

const env = await benchRuntime({}, platformQueues());
const { mongo, redis, config, logger } = env.runtime;

// Search: 10,000 jobs in the database, loaded into the index the way a web process does at boot.
const { companies, jobs } = demoCatalog(new Date(), JOBS);
const { Company, Job } = catalogModels(mongo);
await Company.insertMany(companies);
for (let i = 0; i < jobs.length; i += 1000) await Job.insertMany(jobs.slice(i, i + 1000));
const catalog = new CatalogService({
  connection: mongo,
  redis,
  prefix: config.redis.prefix,
  logger,
  events: new EventHub(),
});
const loadStart = performance.now();
await catalog.refresh();
const loadMs = performance.now() - loadStart;

for (let i = 0; i < 200; i++) catalog.search({ keyword: QUERIES[i % QUERIES.length] }, 1, 5);
const latencies: number[] = [];
const perQuery = new Map<string, number[]>();
for (let round = 0; round < 50; round++) {
  for (const keyword of QUERIES) {
    for (const filters of FILTERS) {
      const t0 = performance.now();
      const page = catalog.search({ keyword, ...filters }, 1 + (round % 3), 5);
      const ms = performance.now() - t0;
      latencies.push(ms);
      perQuery.set(keyword, [...(perQuery.get(keyword) ?? []), ms]);
      if (round === 0 && Object.keys(filters).length === 0 && page.total === 0)
        throw new Error(`no results for ${keyword}`);
    }
  }
}
latencies.sort((a, b) => a - b);
console.log(
  `search over ${catalog.index.size} jobs, ${latencies.length} queries ` +
    `(${QUERIES.length} keywords × ${FILTERS.length} filter sets, Burmese and ` +
    `English): p50 ${percentile(latencies, 50).toFixed(2)} ms, p95 ` +
    `${percentile(latencies, 95).toFixed(2)} ms, max ${(latencies.at(-1) ?? 0).toFixed(2)} ms`,
);
console.log(
  `loading the index from FerretDB: ${loadMs.toFixed(0)} ms; heap ` +
    `after: ${(process.memoryUsage().heapUsed / 1024 / 1024).toFixed(0)} MiB`,
);

// Alerts: 50,000 people subscribed to the job's category and region.
const target = jobs[0];
if (target === undefined) throw new Error("no job");
const key = `${config.redis.prefix}:alerts:${target.category}:${target.region}`;
const docs = Array.from({ length: SUBSCRIBERS }, (_, i) => ({
  _id: `UBENCH${i}`,
  identityKey: `tg:${700_000_000 + i}`,
  transport: "telegram",
  subs: [{ id: `${target.category}.${target.region}`, category: target.category, region: target.region }],
}));
for (let i = 0; i < docs.length; i += 5000) {
  await alertModel(mongo).insertMany(docs.slice(i, i + 5000), { ordered: false });
  await redis.sadd(key, ...docs.slice(i, i + 5000).map((doc) => `${doc._id}|telegram|${doc.identityKey}`));
}
const data: JobAlertData = {
  jobId: target._id,
  texts: { telegram: { en: "New job", my: "အလုပ်သစ်" } },
  digest: { title: { en: "{{count}} more", my: "{{count}}" }, line: { en: "{{title}}", my: "{{title}}" } },
};
// The core the worker process would build, with a daily cap high enough that every alert is sent at once.
const fanOutCore = await composeCore({ ...env.runtime, config: { ...config, alerts: { perDay: 1_000 } } });
const workerConnection = redis.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true });
const worker = new Worker<JobAlertData>(JOB_ALERTS_QUEUE, (job) => fanOutCore.alertFanOut.fanOut(job.data), {
  connection: workerConnection,
  prefix: config.redis.prefix,
});
const fanStart = performance.now();
const queued = await env.runtime.queues.get(JOB_ALERTS_QUEUE).add("fan-out", data, { jobId: `alerts-${target._id}` });
await new Promise<void>((resolve, reject) => {
  worker.on("completed", (job) => job.id === queued.id && resolve());
  worker.on("failed", (_job, error) => reject(error));
});
const fanMs = performance.now() - fanStart;
const records = await notificationModel(mongo).estimatedDocumentCount();
const counts = await env.runtime.queues.get("notify-telegram").getJobCounts("waiting", "delayed");
const waiting = (counts.waiting ?? 0) + (counts.delayed ?? 0);
console.log(
  `alerts for one job matching ${SUBSCRIBERS} subscribers: enqueued in ` +
    `${(fanMs / 1000).toFixed(1)} s (${(SUBSCRIBERS / (fanMs / 1000)).toFixed(0)}` +
    `/s); ${records} notification records, ${waiting} delivery jobs queued (delayed ones wait out quiet hours)`,
);

await worker.close();
workerConnection.disconnect();
await env.close();
