/**
 * Round trips per kind of turn (issue 17's starting figures): database commands (counted at the MongoDB driver's
 * Collection, under mongoose and every module of ours) and Redis commands (counted at the command connection's
 * `sendCommand`, scripts included) for each kind of Telegram turn, through the webhook, with BENCH_PEOPLE people each.
 * Prints the average per turn and the commands behind it.
 */
import { Collection } from "mongodb";
import { seedDemoCatalog } from "../../core/demo/seed-catalog.ts";
import { buildServer } from "../../webhooks/build-server.ts";
import { composeCore } from "../../webhooks/compose-core.ts";
import { FakeTelegramApi } from "../fakes/fake-telegram-api.ts";
import { tgButton, tgText, type TgUser } from "../fakes/telegram-updates.ts";
import { TG_TOKEN, telegramEnv } from "../helpers/telegram-harness.ts";
import { benchRuntime, telegramPoster } from "./bench-env.ts";
import { goal, summary } from "./summary.ts";

const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 50);
const fake = await new FakeTelegramApi(TG_TOKEN).start();
const env = await benchRuntime(telegramEnv(fake.url));
await seedDemoCatalog(env.runtime.mongo, new Date());
const core = await composeCore(env.runtime);
await core.catalog.refresh();
const { app } = await buildServer(env.runtime, core);

const counts = { db: new Map<string, number>(), redis: new Map<string, number>() };
let counting = false;
const bump = (map: Map<string, number>, key: string) => counting && map.set(key, (map.get(key) ?? 0) + 1);

const DB_METHODS = [
  "find",
  "findOne",
  "insertOne",
  "insertMany",
  "updateOne",
  "updateMany",
  "deleteOne",
  "deleteMany",
  "aggregate",
  "countDocuments",
  "findOneAndUpdate",
  "bulkWrite",
  "replaceOne",
] as const;
const prototype = Collection.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
// The driver's findOne calls find (and countDocuments aggregate) in the same synchronous step: only the outer call
// is a command sent.
let depth = 0;
for (const method of DB_METHODS) {
  const original = prototype[method];
  if (original === undefined) continue;
  prototype[method] = function (this: { collectionName: string }, ...args: unknown[]) {
    if (depth === 0) bump(counts.db, `${method} ${this.collectionName}`);
    depth++;
    try {
      return original.apply(this, args);
    } finally {
      depth--;
    }
  };
}
const redis = env.runtime.redis as unknown as { sendCommand: (command: { name: string }) => unknown };
const sendCommand = redis.sendCommand.bind(redis);
redis.sendCommand = (command) => {
  bump(counts.redis, command.name);
  return sendCommand(command);
};

const post = telegramPoster(app);
const people: TgUser[] = Array.from({ length: PEOPLE }, (_, i) => ({
  id: 820_000_000 + i,
  first_name: `R${i}`,
  language_code: "en",
}));

// One person not counted goes first, so Redis already knows the scripts (their text is sent once per Redis, by EVAL,
// and from then on only their digests, by EVALSHA).
const warmUp: TgUser = { id: 819_999_999, first_name: "Warm", language_code: "en" };
for (const text of ["/start", "/help"]) await post(tgText(warmUp, text));

const rows: string[] = [];
async function kind(
  label: string,
  update: (user: TgUser) => Record<string, unknown>,
): Promise<{ db: number; redis: number }> {
  counts.db.clear();
  counts.redis.clear();
  counting = true;
  for (const user of people) await post(update(user));
  counting = false;
  const total = (map: Map<string, number>) => [...map.values()].reduce((a, b) => a + b, 0) / PEOPLE;
  const top = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([name, n]) => `${name} ${(n / PEOPLE).toFixed(1)}`)
      .join(", ");
  const figures = [total(counts.db).toFixed(1), total(counts.redis).toFixed(1), top(counts.db), top(counts.redis)];
  rows.push(`| ${label} | ${figures.join(" | ")} |`);
  return { db: total(counts.db), redis: total(counts.redis) };
}

const turns = {
  start: await kind("first contact (/start)", (user) => tgText(user, "/start")),
  language: await kind("language button (a callback; changes the person)", (user) => tgButton(user, "m:lang.en")),
  help: await kind("/help (menu turn, the person read afresh after the change)", (user) => tgText(user, "/help")),
  menu: await kind("/jobs (menu turn: opens the search form)", (user) => tgText(user, "/jobs")),
  keyword: await kind("text inside a flow (a keyword: a page of results)", (user) => tgText(user, "driver")),
  wallet: await kind("/wallet", (user) => tgText(user, "/wallet")),
  unknown: await kind("unknown text", (user) => tgText(user, "/nonsense")),
};
console.log(`round trips per turn, ${PEOPLE} people each, Telegram webhook, FerretDB + Redis`);
console.log("| turn | database commands | Redis commands | database, by command | Redis, by command |");
console.log("|---|---|---|---|---|");
for (const row of rows) console.log(row);
summary({ figure: "database commands, menu turn", value: turns.menu.db, unit: "", ...goal(turns.menu.db, "<=", 1) });
summary({ figure: "database commands, /wallet", value: turns.wallet.db, unit: "", ...goal(turns.wallet.db, "<=", 3) });
const mostRedis = Math.max(...Object.values(turns).map((turn) => turn.redis));
summary({ figure: "Redis commands, busiest kind of turn", value: mostRedis, unit: "", ...goal(mostRedis, "<=", 6) });
// The maintenance window is read once per process per 5 s (about 0.02 per turn here), not by a turn as such.
const mostDb = Math.max(...Object.values(turns).map((turn) => Math.floor(turn.db)));
summary({
  figure: "database commands, busiest kind of turn (besides the maintenance read every 5 s)",
  value: mostDb,
  unit: "",
  ...goal(mostDb, "<=", 3),
});
await app.close();
await fake.stop();
await env.close();
