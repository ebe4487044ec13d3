/**
 * One person floods the bot (500 messages in 10 s) while others chat at an
 * ordinary pace: the others' webhook p95 during the flood against their quiet
 * p95, with the inbound limiter off (burst above the flood: the "before") and at
 * its default (10 in 5 s). Budget: with the limiter, flood p95 ≤ 2 × quiet p95.
 * Exits non-zero when the budget is missed.
 */
import { Agent, request } from "node:http";
import { buildServer } from "../../webhooks/build-server.ts";
import { composeCore } from "../../webhooks/compose-core.ts";
import { FakeTelegramApi } from "../fakes/fake-telegram-api.ts";
import { tgText, type TgUser } from "../fakes/telegram-updates.ts";
import { TG_SECRET, TG_TOKEN, telegramEnv } from "../helpers/telegram-harness.ts";
import { benchRuntime } from "./bench-env.ts";
import { percentile } from "./load.ts";

const OTHERS = Number(process.env.BENCH_OTHERS ?? 20);
const OTHER_MESSAGES = Number(process.env.BENCH_OTHER_MESSAGES ?? 20);
const OTHER_PAUSE_MS = 500;
const FLOOD_MESSAGES = Number(process.env.BENCH_FLOOD ?? 500);
const FLOOD_SECONDS = 10;

const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function post(url: URL, body: string): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": TG_SECRET },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
      },
    );
    req.on("error", () => resolve({ status: 0, ms: performance.now() - t0 }));
    req.end(body);
  });
}

/** Each of the others sends one message, waits for the answer, pauses, again; latencies of every request. */
async function othersChat(url: URL, round: string, firstId: number): Promise<{ latencies: number[]; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  await Promise.all(
    Array.from({ length: OTHERS }, async (_, n) => {
      const user: TgUser = { id: firstId + n, first_name: `Other${n}`, language_code: n % 2 === 0 ? "en" : "my" };
      await sleep((OTHER_PAUSE_MS * n) / OTHERS); // spread the starts
      for (let i = 0; i < OTHER_MESSAGES; i++) {
        const result = await post(url, JSON.stringify(tgText(user, i === 0 ? "/start" : `${round} ${i}`)));
        latencies.push(result.ms);
        if (result.status !== 200) errors++;
        await sleep(OTHER_PAUSE_MS);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { latencies, errors };
}

/** 500 messages from one person, evenly over ten seconds, not waiting for answers (as a script would). */
async function flood(url: URL, user: TgUser): Promise<{ statuses: number[]; sentIn: number; answeredIn: number }> {
  const started = performance.now();
  const gap = (FLOOD_SECONDS * 1000) / FLOOD_MESSAGES;
  const pending: Promise<{ status: number }>[] = [];
  for (let i = 0; i < FLOOD_MESSAGES; i++) {
    const due = started + i * gap;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(post(url, JSON.stringify(tgText(user, i === 0 ? "/start" : `spam ${i}`))));
  }
  const sentIn = (performance.now() - started) / 1000;
  const statuses = (await Promise.all(pending)).map((result) => result.status);
  return { statuses, sentIn, answeredIn: (performance.now() - started) / 1000 };
}

async function measure(label: string, burst: string) {
  const fake = await new FakeTelegramApi(TG_TOKEN).start();
  const env = await benchRuntime({ ...telegramEnv(fake.url), INBOUND_BURST: burst, INBOUND_WINDOW_SECONDS: "5" });
  const { app } = await buildServer(env.runtime, await composeCore(env.runtime));
  const url = new URL(`${await app.listen({ host: "127.0.0.1", port: 0 })}/webhooks/telegram`);
  try {
    const quiet = await othersChat(url, "quiet", 810_000_000);
    const flooder: TgUser = { id: 819_999_999, first_name: "Flood", language_code: "en" };
    const [busy, floodResult] = await Promise.all([othersChat(url, "busy", 811_000_000), flood(url, flooder)]);
    const floodReplies = fake.textsTo(flooder.id).length;
    const quietP95 = percentile(quiet.latencies, 95);
    const busyP95 = percentile(busy.latencies, 95);
    const floodOk = floodResult.statuses.filter((status) => status === 200).length;
    console.log(
      `${label.padEnd(24)} quiet p50 ${percentile(quiet.latencies, 50).toFixed(1)} ms p95 ${quietP95.toFixed(1)} ms` +
        ` | during flood p50 ${percentile(busy.latencies, 50).toFixed(1)} ms p95 ${busyP95.toFixed(1)} ms` +
        ` | ratio ${(busyP95 / quietP95).toFixed(2)}× | others' errors ${quiet.errors + busy.errors}` +
        ` | flood: ${floodResult.statuses.length} sent in ${floodResult.sentIn.toFixed(1)} s, all answered by` +
        ` ${floodResult.answeredIn.toFixed(1)} s, ${floodOk} answered 200, ${floodReplies} replies to the flooder`,
    );
    return { quietP95, busyP95, ratio: busyP95 / quietP95, errors: quiet.errors + busy.errors };
  } finally {
    await app.close();
    await fake.stop();
    await env.close();
  }
}

console.log(
  `flood: ${OTHERS} others × ${OTHER_MESSAGES} messages (one every ${OTHER_PAUSE_MS} ms each) while one person sends` +
    ` ${FLOOD_MESSAGES} in ${FLOOD_SECONDS} s; loopback, ${process.env.MONGODB_URI ? "MongoDB" : "FerretDB/SQLite"}`,
);
const before = await measure("limiter off (burst 10000)", "10000");
const after = await measure("limiter on (10 in 5 s)", "10");
const withinBudget = after.ratio <= 2 && after.errors === 0;
console.log(
  `others' p95 during the flood: ${before.busyP95.toFixed(1)} ms without the limiter, ${after.busyP95.toFixed(1)} ms` +
    ` with it; budget ≤ 2× quiet: ${after.ratio.toFixed(2)}× → ${withinBudget ? "within budget" : "OVER BUDGET"}`,
);
agent.destroy();
process.exit(withinBudget ? 0 : 1);
