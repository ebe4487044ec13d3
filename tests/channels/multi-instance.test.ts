import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../core/logging/create-logger.ts";
import { createShutdown } from "../../core/lifecycle/shutdown.ts";
import { createRuntime } from "../../jobs/runtime/create-runtime.ts";
import { composeCore } from "../../webhooks/compose-core.ts";
import { buildServer, type WebApp } from "../../webhooks/build-server.ts";
import { tgText } from "../fakes/telegram-updates.ts";
import { TG_SECRET, telegramHarness, type TelegramHarness } from "../helpers/telegram-harness.ts";
import { waitFor } from "../helpers/wait-for.ts";

let h: TelegramHarness;
let second: WebApp;
const stopSecond = createShutdown(createLogger({ level: "silent", pretty: false }), 10_000);

beforeAll(async () => {
  h = await telegramHarness();
  // A second web instance: same configuration, same database, same Redis.
  const runtime = await createRuntime({
    config: h.t.runtime.config,
    logger: createLogger({ level: "silent", pretty: false }),
    shutdown: stopSecond,
    definitions: [],
    dbName: h.t.runtime.mongo.name,
  });
  second = await buildServer(runtime, await composeCore(runtime));
  stopSecond.add("intake", "second web", () => second.app.close());
});
afterAll(async () => {
  await stopSecond.run("test finished");
  await h.close();
});

const postTo = async (web: WebApp, update: Record<string, unknown>) =>
  (
    await web.app.inject({
      method: "POST",
      url: "/webhooks/telegram",
      headers: { "x-telegram-bot-api-secret-token": TG_SECRET },
      payload: update,
    })
  ).statusCode;

describe("several web instances", () => {
  it("serialize one chat's updates in order and dedupe a redelivery that lands on the other instance", async () => {
    const user = { id: 9_400_001, first_name: "Two", language_code: "en" };
    await postTo(h.t, tgText(user, "/start"));
    const pending = `${h.t.runtime.config.redis.prefix}:chat:tg:{${user.id}}:pending`;
    for (let round = 0; round < 3; round++) {
      // Hold the chat's turn: the Bot API stops answering while a first update's reply is being sent.
      h.fake.hold();
      const blocker = postTo(h.t, tgText(user, `blocker ${round}`));
      await waitFor(() => h.fake.heldCount > 0, 10_000, "the blocker's reply to be in flight");
      // Meanwhile a later update reaches instance two, then the earlier one reaches both instances.
      const first = tgText(user, `first ${round}`);
      const secondUpdate = tgText(user, `second ${round}`);
      const waiting = [postTo(second, secondUpdate), postTo(h.t, first), postTo(second, first)];
      await waitFor(async () => (await h.t.runtime.redis.zcard(pending)) === 4, 10_000, "all three to queue");
      h.fake.release();
      expect(await Promise.all([blocker, ...waiting])).toEqual([200, 200, 200, 200]);
      const conversation = await h.t.bot.services.conversations.load(`tg:${user.id}`);
      expect(conversation?.recentUpdates.slice(-2)).toEqual([
        `tg:u:${String(first.update_id)}`,
        `tg:u:${String(secondUpdate.update_id)}`,
      ]);
    }
    // /start plus three replies per round (blocker, first, second): the redelivered copies produced nothing.
    expect(h.fake.textsTo(user.id)).toHaveLength(1 + 3 * 3);
  });

  it("a ban, an unban and a role given through one instance hold at the other's next turn", async () => {
    const user = { id: 9_400_002, first_name: "Kept", language_code: "en" };
    const key = `tg:${user.id}`;
    // The second instance has the person in memory after two turns (no database read for who they are).
    await postTo(second, tgText(user, "/start"));
    await postTo(second, tgText(user, "/help"));
    const userId = (await h.t.core.users.findIdentity(key))?.userId ?? "";
    expect(userId).not.toBe("");
    const texts = () => h.fake.textsTo(user.id);

    // Each change is announced on Redis pub/sub: the other instance's next turn after it arrives reads it afresh.
    const heard = () =>
      waitFor(() => !second.core.users.remembers(key), 5_000, "the change to reach the second instance");
    expect(second.core.users.remembers(key)).toBe(true);
    await h.t.core.users.setStatus(userId, "banned", null);
    await heard();
    await postTo(second, tgText(user, "/help"));
    expect(texts().at(-1)).toBe(h.t.core.translator.t("en")("common:banned"));

    await h.t.core.users.setStatus(userId, "active");
    await heard();
    await postTo(second, tgText(user, "/admin"));
    expect(texts().at(-1)).toBe(h.t.core.translator.t("en")("common:unknown_text"));

    await h.t.core.users.setRoles(userId, ["owner"]);
    await heard();
    await postTo(second, tgText(user, "/admin"));
    expect(texts().at(-1)).not.toBe(h.t.core.translator.t("en")("common:unknown_text"));
  });
});
