/**
 * Scale-out, shown: web processes (`webhooks/main.ts`) behind a round-robin balancer (a few lines of node:http
 * below) and worker processes (`webhooks/main-worker.ts`), all on one Redis and one database, against a fake Bot
 * API. First 1 web + 1 worker, then 2 + 2, the same updates each time (fresh chats), closed loop:
 * throughput, p99, and the checks: every update answered 200, one reply per update (no duplicate, none missing),
 * and each chat's updates handled in update order (read back from the conversation's handled keys).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import path from "node:path";
import getPort from "get-port";
import { FakeTelegramApi } from "../fakes/fake-telegram-api.ts";
import { tgText } from "../fakes/telegram-updates.ts";
import { TG_SECRET, TG_TOKEN, telegramEnv } from "../helpers/telegram-harness.ts";
import { benchRuntime } from "./bench-env.ts";
import { describeLoad, runRounds, type LoadResult } from "./load.ts";
import { goal, summary } from "./summary.ts";
import { composeCore } from "../../webhooks/compose-core.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const CHATS = Number(process.env.BENCH_CHATS ?? 1_000);
const MESSAGES_PER_CHAT = Number(process.env.BENCH_MESSAGES ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const KEY = "test1:" + Buffer.alloc(32, 7).toString("base64");

const fake = await new FakeTelegramApi(TG_TOKEN).start();
const env = await benchRuntime(telegramEnv(fake.url));
const core = await composeCore(env.runtime);
const children: ChildProcess[] = [];
const childEnv = (port: number): NodeJS.ProcessEnv => {
  const mongoUri = new URL(env.config.mongo.uri ?? "");
  mongoUri.pathname = `/${env.runtime.mongo.name}`;
  return {
    PATH: process.env.PATH,
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
    MONGODB_URI: mongoUri.toString(),
    REDIS_URL: env.config.redis.url ?? "",
    REDIS_PREFIX: env.config.redis.prefix,
    ENCRYPTION_KEY: KEY,
    STORAGE_DIR: path.join(env.dataDir, "storage"),
    HOST: "127.0.0.1",
    PORT: String(port),
    WORKER_HEALTH_PORT: "0",
    ...telegramEnv(fake.url),
  };
};

async function startProcess(file: string, port: number): Promise<void> {
  const child = spawn(process.execPath, [path.join(ROOT, file)], {
    env: childEnv(port),
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr?.on("data", (chunk: Buffer) => process.stderr.write(`[${path.basename(file)}] ${chunk.toString()}`));
  children.push(child);
  if (file.endsWith("main.ts")) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
        (response) => response.ok,
        () => false,
      );
      if (ok) return;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${file} on ${port} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Round-robin over the web processes, like a platform's load balancer. */
function balancer(ports: number[]): Promise<{ server: Server; url: string }> {
  let next = 0;
  const server = createServer((incoming, outgoing) => {
    const port = ports[next++ % ports.length] ?? 0;
    const forward = request(
      { host: "127.0.0.1", port, path: incoming.url, method: incoming.method, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forward.on("error", () => outgoing.writeHead(502).end());
    incoming.pipe(forward);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

const headers = { "x-telegram-bot-api-secret-token": TG_SECRET };
/** Busy share of the machine's cores over a span (from /proc/stat), to tell a CPU-bound run from a waiting one. */
const cpuTicks = () => {
  const fields = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { idle, total: fields.reduce((a, b) => a + b, 0) };
};
async function measure(
  label: string,
  webs: number,
  workers: number,
  firstChat: number,
): Promise<LoadResult & { violations: number; duplicates: number; unanswered: number; busy: number }> {
  const ports: number[] = [];
  const started = children.length;
  for (let i = 0; i < webs; i++) {
    const port = await getPort({ host: "127.0.0.1" });
    ports.push(port);
    await startProcess("webhooks/main.ts", port);
  }
  for (let i = 0; i < workers; i++) await startProcess("webhooks/main-worker.ts", 0);
  const { server, url } = await balancer(ports);
  fake.clear();
  const user = (chat: number) => ({ id: firstChat + chat, first_name: `S${chat}`, language_code: "en" });
  const sent = new Map<number, number[]>();
  const ticks0 = cpuTicks();
  const total = await runRounds({
    url: `${url}/webhooks/telegram`,
    rounds: MESSAGES_PER_CHAT,
    perRound: CHATS,
    concurrency: CONCURRENCY,
    makeRequest: (round, i) => {
      const update = tgText(user(i), round === 0 ? "/start" : `hello ${round}`);
      sent.set(i, [...(sent.get(i) ?? []), Number(update.update_id)]);
      return { body: JSON.stringify(update), headers };
    },
  });
  const ticks1 = cpuTicks();
  const busy = 1 - (ticks1.idle - ticks0.idle) / Math.max(1, ticks1.total - ticks0.total);
  // The checks: replies per chat, and the order each chat's updates were handled in.
  let violations = 0;
  let duplicates = 0;
  let unanswered = 0;
  for (let chat = 0; chat < CHATS; chat++) {
    const replies = fake.sent("sendMessage", firstChat + chat).length;
    // /start answers with one message; every later update with one.
    duplicates += Math.max(0, replies - MESSAGES_PER_CHAT);
    unanswered += Math.max(0, MESSAGES_PER_CHAT - replies);
    const handled = (await core.conversations.load(`tg:${firstChat + chat}`))?.recentUpdates ?? [];
    const expected = (sent.get(chat) ?? []).map((id) => `tg:u:${id}`);
    if (handled.join() !== expected.join()) violations++;
  }
  console.log(
    describeLoad(label, total) +
      `   order violations ${violations}, duplicate replies ${duplicates}, unanswered ${unanswered},` +
      ` machine CPU busy ${(busy * 100).toFixed(0)} % of ${cpus().length} cores`,
  );
  server.close();
  for (const child of children.slice(started)) child.kill("SIGTERM");
  await Promise.all(
    children
      .slice(started)
      .map(
        (child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once("exit", resolve))),
      ),
  );
  return { ...total, violations, duplicates, unanswered, busy };
}

try {
  // 1+1, then 2+2, then 1+1 again: the database grows by every run's new people, so 2+2 is compared with the mean
  // of the runs either side of it.
  const before = await measure("1 web + 1 worker", 1, 1, 870_000_000);
  const two = await measure("2 web + 2 workers", 2, 2, 880_000_000);
  const after = await measure("1 web + 1 worker, again", 1, 1, 890_000_000);
  const one = { perSecond: (before.perSecond + after.perSecond) / 2, p99Ms: (before.p99Ms + after.p99Ms) / 2 };
  const ratio = two.perSecond / one.perSecond;
  console.log(
    `scale-out: ${CHATS} chats × ${MESSAGES_PER_CHAT} updates, ${CONCURRENCY} in flight through a round-robin` +
      ` balancer, one Redis and one ${process.env.MONGODB_URI ? "MongoDB" : "FerretDB/SQLite"} on ${2} cores:` +
      ` 2+2 ÷ 1+1 throughput ${ratio.toFixed(2)}, p99 ${two.p99Ms.toFixed(0)} ms vs ${one.p99Ms.toFixed(0)} ms`,
  );
  summary({
    figure: "2+2 processes ÷ 1+1, throughput",
    value: Number(ratio.toFixed(2)),
    unit: "×",
    ...goal(ratio, ">=", 1.5),
    ratio,
  });
  const wrong = two.violations + two.duplicates + two.unanswered + two.errors;
  summary({
    figure: "2+2 processes: order violations, duplicates, unanswered, errors",
    value: wrong,
    unit: "",
    ...goal(wrong, "<=", 0),
  });
} finally {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await fake.stop();
  await env.close();
}
