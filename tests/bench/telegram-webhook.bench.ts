/**
 * Telegram webhook throughput: real-shaped updates from many distinct chats
 * POSTed to /webhooks/telegram (full path: secret check, zod, chat turn in
 * Redis, user + conversation in MongoDB/FerretDB, reply to a fake Bot API),
 * against a bare Fastify route that only parses the JSON, in the same run.
 */
import Fastify from "fastify";
import { buildServer } from "../../webhooks/build-server.ts";
import { composeCore } from "../../webhooks/compose-core.ts";
import { FakeTelegramApi } from "../fakes/fake-telegram-api.ts";
import { tgText } from "../fakes/telegram-updates.ts";
import { TG_SECRET, TG_TOKEN, telegramEnv } from "../helpers/telegram-harness.ts";
import { benchRuntime } from "./bench-env.ts";
import { describeLoad, runLoad } from "./load.ts";

const CHATS = Number(process.env.BENCH_CHATS ?? 1_000);
const MESSAGES_PER_CHAT = Number(process.env.BENCH_MESSAGES ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);

const fake = await new FakeTelegramApi(TG_TOKEN).start();
const env = await benchRuntime(telegramEnv(fake.url));
const { app, bot } = await buildServer(env.runtime, await composeCore(env.runtime));
const appUrl = await app.listen({ host: "127.0.0.1", port: 0 });
const bare = Fastify({ bodyLimit: 1024 * 1024 });
bare.post("/webhooks/telegram", async () => ({ ok: true }));
const bareUrl = await bare.listen({ host: "127.0.0.1", port: 0 });

// Round r sends one update to every chat, so one chat's updates never overlap (as Telegram delivers them).
const bodies: string[] = [];
for (let round = 0; round < MESSAGES_PER_CHAT; round++) {
  for (let chat = 0; chat < CHATS; chat++) {
    const user = { id: 800_000_000 + chat, first_name: `User${chat}`, language_code: chat % 2 === 0 ? "en" : "my" };
    bodies.push(JSON.stringify(tgText(user, round === 0 ? "/start" : `hello ${round}`)));
  }
}
const headers = { "x-telegram-bot-api-secret-token": TG_SECRET };
const request = (i: number) => ({ body: bodies[i] ?? "{}", headers });

const total = bodies.length;
const started = performance.now();
const platform = { requests: 0, seconds: 0, perSecond: 0, p50Ms: 0, p99Ms: 0, errors: 0 };
const latencies: number[] = [];
for (let round = 0; round < MESSAGES_PER_CHAT; round++) {
  const result = await runLoad({
    url: `${appUrl}/webhooks/telegram`,
    method: "POST",
    total: CHATS,
    concurrency: CONCURRENCY,
    makeRequest: (i) => request(round * CHATS + i),
  });
  platform.errors += result.errors;
  latencies.push(result.p50Ms, result.p99Ms);
  platform.p50Ms = Math.max(platform.p50Ms, result.p50Ms);
  platform.p99Ms = Math.max(platform.p99Ms, result.p99Ms);
}
platform.seconds = (performance.now() - started) / 1000;
platform.requests = total;
platform.perSecond = total / platform.seconds;

// End to end: every update got its reply at the fake API and its state in the database.
const replies = fake.sent("sendMessage").length + fake.sent("editMessageText").length;
let persisted = 0;
for (let chat = 0; chat < CHATS; chat++) {
  const conversation = await bot.services.conversations.load(`tg:${800_000_000 + chat}`);
  if (conversation?.recentUpdates.length === MESSAGES_PER_CHAT) persisted++;
}
const endToEndSeconds = (performance.now() - started) / 1000;

const plain = await runLoad({
  url: `${bareUrl}/webhooks/telegram`,
  method: "POST",
  total,
  concurrency: CONCURRENCY,
  makeRequest: request,
});

console.log(
  `telegram webhook: ${CHATS} chats × ${MESSAGES_PER_CHAT} updates = ${total}, ${CONCURRENCY}` +
    ` in flight, loopback, ${process.env.MONGODB_URI ? "MongoDB" : "FerretDB/SQLite"}`,
);
console.log(describeLoad("POST /webhooks/telegram", platform) + "   (p50/p99: worst round)");
console.log(describeLoad("bare fastify route", plain));
console.log(`ratio platform/bare throughput: ${(platform.perSecond / plain.perSecond).toFixed(3)}`);
console.log(
  `end to end: ${replies}/${total} replies recorded by the fake Bot API, ${persisted}` +
    `/${CHATS} conversations persisted, ${(total / endToEndSeconds).toFixed(0)} updates/s`,
);

await app.close();
await bare.close();
await fake.stop();
await env.close();
