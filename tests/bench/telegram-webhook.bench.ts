/**
 * Telegram webhook throughput: real-shaped updates from many distinct chats POSTed to /webhooks/telegram (full path:
 * secret check, zod, the chat's turn in Redis, who is writing, the conversation, a reply to a fake Bot API), in the
 * same run as two references on the same machine and process layout:
 * - a minimal grammY bot (the peer): `webhookCallback` on Fastify, a Redis session through
 *   `@grammyjs/storage-redis`, a reply with an inline keyboard to the same fake Bot API;
 * - a bare Fastify route that only parses the JSON.
 * Each is driven closed-loop (32 in flight: the most it takes) and then open-loop at a fixed 200 updates/s (the
 * latency a person sees at that load). The platform's first closed loop starts cold, as the figure from the start of
 * issue 17 was measured; then the peer runs its own first loop (its warm-up), and the two alternate warm closed
 * loops, each pair on as many chats not met before (first contacts again), after code shared by both (Fastify, the
 * HTTP client, the fake, the load generator) and its own code were compiled. The ratio to the peer is the median of
 * the pairs' ratios: neither pays the other's warm-up, and a slow patch of this shared VM (its speed drifts by a
 * third within a minute) weighs on one pair, not on one side.
 */
import { createRequire } from "node:module";
import Fastify from "fastify";
import { Bot, session, webhookCallback, type Context, type SessionFlavor, type StorageAdapter } from "grammy";
import { buildServer } from "../../webhooks/build-server.ts";
import { composeCore } from "../../webhooks/compose-core.ts";
import { FakeTelegramApi } from "../fakes/fake-telegram-api.ts";
import { tgText } from "../fakes/telegram-updates.ts";
import { TG_SECRET, TG_TOKEN, telegramEnv } from "../helpers/telegram-harness.ts";
import { benchRuntime } from "./bench-env.ts";
import { profiled } from "./cpu-profile.ts";
import { describeLoad, runAtRate, runLoad, runRounds } from "./load.ts";
import { goal, summary } from "./summary.ts";

const CHATS = Number(process.env.BENCH_CHATS ?? 1_000);
const MESSAGES_PER_CHAT = Number(process.env.BENCH_MESSAGES ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const RATE_SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 10);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 3);
/** The platform's closed-loop figure before issue 17, measured by this benchmark on this machine (FerretDB). */
const STARTING_PER_SECOND = 185;

const fake = await new FakeTelegramApi(TG_TOKEN).start();
const env = await benchRuntime(telegramEnv(fake.url));
const { app, bot } = await buildServer(env.runtime, await composeCore(env.runtime));
const appUrl = await app.listen({ host: "127.0.0.1", port: 0 });

// The peer. @grammyjs/storage-redis 2.6.0 ships its CommonJS build only (its ES entry point is missing from the
// package), so it is loaded through require.
type PeerContext = Context & SessionFlavor<{ turns: number }>;
const { RedisAdapter } = createRequire(import.meta.url)("@grammyjs/storage-redis") as {
  RedisAdapter: new (options: { instance: unknown; ttl?: number }) => StorageAdapter<{ turns: number }>;
};
const peerRedis = env.runtime.redis.duplicate();
const peer = new Bot<PeerContext>(TG_TOKEN, {
  client: { apiRoot: fake.url },
  botInfo: {
    id: 1,
    is_bot: true,
    first_name: "Peer",
    username: "peer_bot",
    can_join_groups: false,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  },
});
peer.use(
  session({
    initial: () => ({ turns: 0 }),
    storage: new RedisAdapter({ instance: peerRedis, ttl: 3600 }),
    getSessionKey: (ctx) => `peer:${String(ctx.chat?.id)}`,
  }),
);
peer.on("message", async (ctx) => {
  ctx.session.turns++;
  await ctx.reply(`Turn ${ctx.session.turns}: what would you like to do?`, {
    reply_markup: {
      inline_keyboard: [[{ text: "Find a job", callback_data: "jobs" }], [{ text: "Help", callback_data: "help" }]],
    },
  });
});
const peerServer = Fastify({ bodyLimit: 1024 * 1024 });
peerServer.post("/webhooks/telegram", webhookCallback(peer, "fastify", { secretToken: TG_SECRET }));
const peerUrl = await peerServer.listen({ host: "127.0.0.1", port: 0 });

const bare = Fastify({ bodyLimit: 1024 * 1024 });
bare.post("/webhooks/telegram", async () => ({ ok: true }));
const bareUrl = await bare.listen({ host: "127.0.0.1", port: 0 });

// Round r sends one update to every chat, so one chat's updates never overlap (as Telegram delivers them).
const FIRST_CHAT = 800_000_000;
/** The warm loops' chats, pair by pair: first contacts again, none met before. */
const warmFirstChat = (pair: number) => 810_000_000 + pair * 10_000_000;
const bodyOf = (chat: number, round: number, firstChat = FIRST_CHAT) => {
  const user = { id: firstChat + chat, first_name: `User${chat}`, language_code: chat % 2 === 0 ? "en" : "my" };
  return JSON.stringify(tgText(user, round === 0 ? "/start" : `hello ${round}`));
};
const headers = { "x-telegram-bot-api-secret-token": TG_SECRET };

/** Closed loop: every chat's first contact, then MESSAGES_PER_CHAT - 1 more rounds. */
const closedLoop = (url: string, firstChat = FIRST_CHAT) =>
  runRounds({
    url: `${url}/webhooks/telegram`,
    rounds: MESSAGES_PER_CHAT,
    perRound: CHATS,
    concurrency: CONCURRENCY,
    makeRequest: (round, i) => ({ body: bodyOf(i, round, firstChat), headers }),
  });

/** Open loop at RATE updates/s for RATE_SECONDS, to chats met in the closed loop (later rounds). */
const atRate = (url: string) =>
  runAtRate({
    url: `${url}/webhooks/telegram`,
    total: RATE * RATE_SECONDS,
    perSecond: RATE,
    makeRequest: (i) => ({ body: bodyOf(i % CHATS, MESSAGES_PER_CHAT + Math.floor(i / CHATS)), headers }),
  });

const cold = await closedLoop(appUrl);
const replies = fake.sent("sendMessage").length + fake.sent("editMessageText").length;
let persisted = 0;
for (let chat = 0; chat < CHATS; chat++) {
  const conversation = await bot.services.conversations.load(`tg:${FIRST_CHAT + chat}`);
  if (conversation?.recentUpdates.length === MESSAGES_PER_CHAT) persisted++;
}
fake.clear();
const grammyCold = await closedLoop(peerUrl);
let peerReplies = fake.sent("sendMessage").length;
fake.clear();
type Loop = Awaited<ReturnType<typeof closedLoop>>;
const pairs: { platform: Loop; grammy: Loop; ratio: number }[] = [];
let warmReplies = 0;
for (let pair = 0; pair < PAIRS; pair++) {
  const ours =
    pair === 0
      ? await profiled("the platform's first warm closed loop", () => closedLoop(appUrl, warmFirstChat(pair)))
      : await closedLoop(appUrl, warmFirstChat(pair));
  warmReplies += fake.sent("sendMessage").length + fake.sent("editMessageText").length;
  fake.clear();
  const theirs = await closedLoop(peerUrl, warmFirstChat(pair));
  peerReplies += fake.sent("sendMessage").length;
  fake.clear();
  pairs.push({ platform: ours, grammy: theirs, ratio: ours.perSecond / theirs.perSecond });
}
// The median pair (by ratio) stands for the warm loops below.
const median = [...pairs].sort((a, b) => a.ratio - b.ratio)[Math.floor(pairs.length / 2)];
if (median === undefined) throw new Error("BENCH_PAIRS must be at least 1");
const { platform, grammy, ratio } = median;
const platformRate = await atRate(appUrl);
const grammyRate = await atRate(peerUrl);
fake.clear();
const plain = await runLoad({
  url: `${bareUrl}/webhooks/telegram`,
  method: "POST",
  total: CHATS * MESSAGES_PER_CHAT,
  concurrency: CONCURRENCY,
  makeRequest: (i) => ({ body: bodyOf(i % CHATS, 0), headers }),
});

const store = process.env.MONGODB_URI ? "MongoDB" : "FerretDB/SQLite";
console.log(
  `telegram webhook: ${CHATS} chats × ${MESSAGES_PER_CHAT} updates, ${CONCURRENCY} in flight, loopback, ${store}`,
);
const rounds = (result: { rounds: number[]; cpuMs: number[] }) => {
  const each = result.rounds.map(
    (perSecond, i) =>
      `${i === 0 ? "first contact" : `#${i + 1}`} ${perSecond.toFixed(0)}/s (CPU ${result.cpuMs[i]?.toFixed(2)} ms)`,
  );
  return `   rounds: ${each.join(", ")}`;
};
console.log(describeLoad("platform, closed loop, cold", cold) + "   (p50/p99: worst round)");
console.log(rounds(cold));
console.log(describeLoad("grammY peer, closed loop, its first", grammyCold));
pairs.forEach((pair, i) =>
  console.log(
    `warm pair ${i + 1}: platform ${pair.platform.perSecond.toFixed(0)}/s,` +
      ` grammY ${pair.grammy.perSecond.toFixed(0)}/s, ratio ${pair.ratio.toFixed(2)}`,
  ),
);
console.log(describeLoad("platform, closed loop, warm (median pair)", platform));
console.log(rounds(platform));
console.log(describeLoad("grammY peer, closed loop, warm (median pair)", grammy));
console.log(rounds(grammy));
console.log(describeLoad("bare fastify route", plain));
console.log(`at a fixed ${RATE} updates/s for ${RATE_SECONDS} s (latency from each update's scheduled time):`);
console.log(describeLoad("platform", platformRate) + `   fell behind ${platformRate.behindMs.toFixed(0)} ms`);
console.log(describeLoad("grammY peer", grammyRate) + `   fell behind ${grammyRate.behindMs.toFixed(0)} ms`);
const laterCpu = (result: { cpuMs: number[] }) =>
  result.cpuMs.slice(1).reduce((a, b) => a + b, 0) / (MESSAGES_PER_CHAT - 1);
console.log(
  "CPU of this process per update in the warm loops (server, fake Bot API and load generator; FerretDB and Redis" +
    " apart):" +
    ` first contact ${platform.cpuMs[0]?.toFixed(2)} ms vs grammY ${grammy.cpuMs[0]?.toFixed(2)} ms,` +
    ` later turns ${laterCpu(platform).toFixed(2)} ms vs ${laterCpu(grammy).toFixed(2)} ms`,
);
const p99Ratio = platformRate.p99Ms / grammyRate.p99Ms;
console.log(
  `ratios: platform/grammY throughput ${ratio.toFixed(2)} (median of ${pairs.length} warm pairs),` +
    ` p99 at ${RATE}/s ${p99Ratio.toFixed(2)};` +
    ` platform/bare ${(platform.perSecond / plain.perSecond).toFixed(3)};` +
    ` cold loop/starting figure (${STARTING_PER_SECOND}/s, cold) ${(cold.perSecond / STARTING_PER_SECOND).toFixed(2)}`,
);
console.log(
  `end to end: ${replies}/${CHATS * MESSAGES_PER_CHAT} replies recorded by the fake Bot API in the cold loop and` +
    ` ${warmReplies} in the ${PAIRS} warm ones, ${persisted}/${CHATS} conversations persisted; grammY peer` +
    ` ${peerReplies} replies in its ${PAIRS + 1} loops`,
);
const errors =
  cold.errors +
  platformRate.errors +
  grammyCold.errors +
  grammyRate.errors +
  pairs.reduce((sum, pair) => sum + pair.platform.errors + pair.grammy.errors, 0);
const updates = CHATS * MESSAGES_PER_CHAT;
const lost = (1 + PAIRS) * updates - replies - warmReplies + ((1 + PAIRS) * updates - peerReplies);
summary({
  figure: `webhook updates/s (${store}, closed loop, cold as at the start)`,
  value: Math.round(cold.perSecond),
  unit: "/s",
  ...goal(cold.perSecond, ">=", 3 * STARTING_PER_SECOND),
  ratio: cold.perSecond / STARTING_PER_SECOND,
});
summary({
  figure: "webhook throughput ÷ grammY peer",
  value: Number(ratio.toFixed(2)),
  unit: "×",
  ...goal(ratio, ">=", 0.8),
  ratio,
});
summary({
  figure: `webhook p99 at ${RATE} updates/s`,
  value: Math.round(platformRate.p99Ms),
  unit: "ms",
  goal: `grammY ${Math.round(grammyRate.p99Ms)} ms`,
  ratio: p99Ratio,
});
summary({
  figure: "webhook errors and lost replies",
  value: errors + lost,
  unit: "",
  ...goal(errors + lost, "<=", 0),
});

await app.close();
await peerServer.close();
await bare.close();
peerRedis.disconnect();
await fake.stop();
await env.close();
