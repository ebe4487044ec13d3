import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisScript } from "../../core/db/redis-script.ts";
import { tgText } from "../fakes/telegram-updates.ts";
import { telegramHarness, type TelegramHarness } from "../helpers/telegram-harness.ts";
import { uniqueName } from "../helpers/test-runtime.ts";

let h: TelegramHarness;
beforeAll(async () => {
  h = await telegramHarness();
});
afterAll(() => h.close());

/** The real connection, recording which of EVAL and EVALSHA each call used. */
function recording(redis: Redis) {
  const used: string[] = [];
  const client: Pick<Redis, "eval" | "evalsha"> = {
    eval: ((...args: Parameters<Redis["eval"]>) => {
      used.push("eval");
      return redis.eval(...args);
    }) as Redis["eval"],
    evalsha: ((...args: Parameters<Redis["evalsha"]>) => {
      used.push("evalsha");
      return redis.evalsha(...args);
    }) as Redis["evalsha"],
  };
  return { client, used };
}

describe("Lua scripts run by their digest", () => {
  it("sends the script's text only when Redis does not know it, then its digest alone", async () => {
    const script = new RedisScript(`return redis.call('INCRBY', KEYS[1], ARGV[1])`);
    const key = uniqueName("script");
    const { client, used } = recording(h.t.runtime.redis);
    await h.t.runtime.redis.script("FLUSH");

    expect(await script.run(client, [key], ["2"])).toBe(2);
    expect(used).toEqual(["evalsha", "eval"]);
    expect(await h.t.runtime.redis.script("EXISTS", script.sha)).toEqual([1]);
    expect(await script.run(client, [key], ["3"])).toBe(5);
    expect(used).toEqual(["evalsha", "eval", "evalsha"]);
  });

  it("passes a script's own errors through (not mistaken for an unknown script)", async () => {
    const script = new RedisScript(`return redis.error_reply('WRONG thing')`);
    await expect(script.run(h.t.runtime.redis, [uniqueName("script")])).rejects.toThrow(/WRONG thing/);
  });

  it("a chat's turn still works after Redis forgot every script (a restart, SCRIPT FLUSH)", async () => {
    const user = { id: 9_300_001, first_name: "Flush", language_code: "en" };
    await h.post(tgText(user, "/start"));
    await h.t.runtime.redis.script("FLUSH");
    const before = h.fake.textsTo(user.id).length;
    expect(await h.post(tgText(user, "/help"))).toBe(200);
    expect(h.fake.textsTo(user.id).slice(before).join("\n")).toContain("TRM Jobs works the same on Telegram and Viber");
  });
});
