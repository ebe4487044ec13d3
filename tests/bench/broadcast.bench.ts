/**
 * Broadcast to N seeded people (default 100,000; half Telegram, half Viber)
 * through the real runner and senders, against the fake Bot API and Viber
 * API on loopback. Prints messages/s against the configured limits, the
 * busiest one-second window, peak RSS of this process (web + worker + fakes)
 * and the Redis memory the broadcast's own keys take. It runs with the V8 heap
 * cap `npm start` and the image ship with (starting itself again if needed).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { createChannelSenders } from "../../bots/channels/senders.ts";
import { broadcastModel } from "../../core/broadcasts/broadcast-service.ts";
import { userModels } from "../../core/users/user-model.ts";
import { attachWorkers } from "../../jobs/runtime/create-runtime.ts";
import { buildServer } from "../../webhooks/build-server.ts";
import { composeCore } from "../../webhooks/compose-core.ts";
import { FakeTelegramApi } from "../fakes/fake-telegram-api.ts";
import { FakeViberApi } from "../fakes/fake-viber-api.ts";
import { channelEnv, VB_TOKEN } from "../helpers/channel-env.ts";
import { TG_TOKEN } from "../helpers/telegram-harness.ts";
import { platformQueues } from "../../jobs/definitions.ts";
import { benchRuntime } from "./bench-env.ts";
import { heapLimitNote, runAsShipped } from "./shipped-heap.ts";
import { goal, summary } from "./summary.ts";

runAsShipped(import.meta.filename);

const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const TG_RATE = Number(process.env.BENCH_TG_RATE ?? 500);
const VB_RATE = Number(process.env.BENCH_VB_RATE ?? 20);

const telegram = await new FakeTelegramApi(TG_TOKEN).start();
const viber = await new FakeViberApi(VB_TOKEN).start();
const vars = {
  ...channelEnv(telegram.url, viber.url),
  QUIET_HOURS: "off",
  NOTIFY_TELEGRAM_PER_SECOND: String(TG_RATE),
  NOTIFY_VIBER_PER_SECOND: String(VB_RATE),
};
const env = await benchRuntime(vars, platformQueues());
const { app, bot, core } = await buildServer(env.runtime, await composeCore(env.runtime));

let peak = process.memoryUsage();
let peakAt = performance.now();
const sampler = setInterval(() => {
  const now = process.memoryUsage();
  if (now.rss > peak.rss) [peak, peakAt] = [now, performance.now()];
}, 100);
// BENCH_MEMORY_TIMELINE=1 prints the process's memory every 5 s (where the peak comes from).
const timeline =
  process.env.BENCH_MEMORY_TIMELINE === "1"
    ? setInterval(() => {
        const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
        const m = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
        console.log(`memory: rss ${m(rss)} heap ${m(heapUsed)}/${m(heapTotal)} external ${m(external)} MiB`);
      }, 5_000)
    : undefined;

const seedStart = performance.now();
// Seeded by another process: this one's memory is the platform's (web + worker + fakes), not the test data's.
const seeded = spawnSync(
  process.execPath,
  [
    path.join(import.meta.dirname, "seed-people.ts"),
    env.config.mongo.uri ?? "",
    env.runtime.mongo.name,
    String(USERS),
    "X",
    "500000000",
  ],
  { stdio: "inherit" },
);
if (seeded.status !== 0) throw new Error("seeding failed");
const owner = await userModels(env.runtime.mongo)
  .User.findById(`UX00${"0".repeat(6)}`)
  .lean();
if (owner === null) throw new Error("seeding failed");
console.log(`seeded ${USERS} people in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

// Count per second and drop the recorded calls, so the fakes' own memory stays flat.
const perSecond = { tg: new Map<number, number>(), vb: new Map<number, number>() };
let tgMessages = 0;
let vbReceivers = 0;
const drain = () => {
  // The fake also keeps what each chat shows (for edits): not needed here, and not the platform's memory.
  telegram.forgetChats();
  for (const call of telegram.calls.splice(0)) {
    if (call.method !== "sendMessage" || call.status !== 200) continue;
    tgMessages++;
    const second = Math.floor(call.at / 1000);
    perSecond.tg.set(second, (perSecond.tg.get(second) ?? 0) + 1);
  }
  for (const call of viber.calls.splice(0)) {
    if (call.method !== "broadcast_message") continue;
    vbReceivers += (call.payload.broadcast_list as string[]).length;
    const second = Math.floor(call.at / 1000);
    perSecond.vb.set(second, (perSecond.vb.get(second) ?? 0) + 1);
  }
};
const drainer = setInterval(drain, 250);

attachWorkers(env.runtime, core, createChannelSenders(env.config, env.runtime.redis));
const redisBefore = Number(/used_memory:(\d+)/.exec(await env.runtime.redis.info("memory"))?.[1] ?? 0);
const started = performance.now();
const doc = await bot.services.broadcasts.start({
  admin: owner,
  channel: "tg",
  text: { en: "Benchmark broadcast", my: "စမ်းသပ် ထုတ်လွှင့်ချက်" },
  imageUrl: null,
  segment: { kind: "all" },
  templates: {
    progress: { en: "p {{sent}}", my: "p" },
    summary: { en: "s {{sent}}", my: "s" },
    cancelled: { en: "c", my: "c" },
  },
});

let broadcastKeysBytes = 0;
let redisPeakDelta = 0;
for (;;) {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const keys = await env.runtime.redis.keys(`${env.config.redis.prefix}:bc:{${doc._id}}:*`);
  let bytes = 0;
  for (const key of keys) bytes += Number((await env.runtime.redis.memory("USAGE", key)) ?? 0);
  broadcastKeysBytes = Math.max(broadcastKeysBytes, bytes);
  redisPeakDelta = Math.max(
    redisPeakDelta,
    Number(/used_memory:(\d+)/.exec(await env.runtime.redis.info("memory"))?.[1] ?? 0) - redisBefore,
  );
  if ((await broadcastModel(env.runtime.mongo).findById(doc._id).lean())?.status === "done") break;
}
const seconds = (performance.now() - started) / 1000;
drain();
clearInterval(drainer);
clearInterval(sampler);
clearInterval(timeline);

const finished = await broadcastModel(env.runtime.mongo).findById(doc._id).lean();
const busiest = (map: Map<number, number>) => Math.max(0, ...map.values());
const tgSeconds = perSecond.tg.size;
console.log(
  `broadcast to ${USERS} people (${finished?.recipients ?? 0} reachable): ` +
    `${seconds.toFixed(1)} s end to end, FerretDB/SQLite + Redis on loopback`,
);
console.log(
  `Telegram: ${tgMessages} messages in ${tgSeconds} s of sending ` +
    `= ${(tgMessages / Math.max(1, tgSeconds)).toFixed(0)} msg/s; ` +
    `configured ${TG_RATE}/s (ratio ${(tgMessages / Math.max(1, tgSeconds) / TG_RATE).toFixed(2)}` +
    `); busiest second ${busiest(perSecond.tg)}`,
);
console.log(
  `Viber: ${vbReceivers} people in ${[...perSecond.vb.values()].reduce((a, b) => a + b, 0)} ` +
    `broadcast_message calls; configured ${VB_RATE} calls/s; busiest second ${busiest(perSecond.vb)} calls`,
);
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
console.log(
  `peak RSS (web + worker + fakes in one process): ${mib(peak.rss)}; at that moment the JS heap held` +
    ` ${mib(peak.heapUsed)} of ${mib(peak.heapTotal)}, buffers outside it ${mib(peak.external)}` +
    ` (${mib(peak.arrayBuffers)} in ArrayBuffers), ${((peakAt - seedStart) / 1000).toFixed(0)} s after the seeding` +
    ` began; ${heapLimitNote()}`,
);
summary({
  figure: `RSS peak, broadcast to ${USERS} people (web + worker + fakes, one process)`,
  value: Math.round(peak.rss / 1024 / 1024),
  unit: "MiB",
  ...goal(peak.rss / 1024 / 1024, "<=", 512),
  ratio: peak.rss / 1024 / 1024 / 512,
});
console.log(
  `Redis: the broadcast's keys peaked at ${(broadcastKeysBytes / 1024 / 1024).toFixed(1)}` +
    ` MiB (${(broadcastKeysBytes / Math.max(1, finished?.recipients ?? 1)) | 0}` +
    ` bytes per recipient); used_memory grew by at most ${(redisPeakDelta / 1024 / 1024).toFixed(1)} MiB`,
);

// The web app holds the catalog's change subscription: closing it lets the process end by itself.
await app.close();
await env.runtime.shutdown.run("bench finished");
await telegram.stop();
await viber.stop();
await env.close();
