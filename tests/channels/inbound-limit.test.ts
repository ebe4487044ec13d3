import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tgText, type TgUser } from "../fakes/telegram-updates.ts";
import { telegramHarness, type TelegramHarness } from "../helpers/telegram-harness.ts";

/** Five updates per person at once and five more every three seconds; past it told once to slow down, then dropped. */
let h: TelegramHarness;
const FLOOD: TgUser = { id: 6_600_001, first_name: "Flood", language_code: "en" };
const CALM: TgUser = { id: 6_600_002, first_name: "Calm", language_code: "my" };
const SLOW_DOWN = "You're sending messages very fast. Please wait a moment, then try again.";

beforeAll(async () => {
  h = await telegramHarness({ INBOUND_BURST: "5", INBOUND_WINDOW_SECONDS: "3" });
});
afterAll(() => h.close());

describe("inbound rate limit per person", () => {
  it("answers a flood's burst, tells the person once to slow down, drops the rest, leaves others alone", async () => {
    const started = Date.now();
    const updates = Array.from({ length: 30 }, (_, i) => tgText(FLOOD, i === 0 ? "/start" : `spam ${i}`));
    for (const update of updates) expect(await h.post(update)).toBe(200);
    const seconds = (Date.now() - started) / 1000;
    const texts = h.fake.textsTo(FLOOD.id);
    const notices = texts.filter((text) => text === SLOW_DOWN).length;
    // However slow this machine is: five at once, then five more every three seconds, and one notice for the flood.
    const allowed = 5 + Math.floor((seconds * 5) / 3) + 1;
    expect(notices).toBe(1);
    expect(texts.length - notices).toBeLessThanOrEqual(allowed);
    expect(texts.length).toBeLessThan(updates.length);
    // A dropped update counts as handled: its redelivery changes nothing.
    const before = h.fake.textsTo(FLOOD.id).length;
    const last = updates.at(-1) ?? {};
    const conversation = await h.t.core.conversations.load(`tg:${FLOOD.id}`);
    expect(conversation?.recentUpdates).toContain(`tg:u:${String(last.update_id)}`);
    await h.post(last);
    expect(h.fake.textsTo(FLOOD.id).length).toBe(before);

    // Someone else is served as usual meanwhile.
    await h.post(tgText(CALM, "/start"));
    expect(h.fake.textsTo(CALM.id).length).toBeGreaterThan(0);
    expect(h.fake.textsTo(CALM.id)).not.toContain(SLOW_DOWN);
  });

  it("never stops someone typing quickly but steadily below the rate, whenever they started", async () => {
    // Five at once (the whole burst), then one every 0.7 s: under five per three seconds, yet nine updates fall
    // within the first three seconds (a fixed window would refuse four of them).
    const quick: TgUser = { id: 6_600_003, first_name: "Quick", language_code: "en" };
    await h.post(tgText(quick, "/start"));
    for (let i = 0; i < 4; i++) await h.post(tgText(quick, `first ${i}`));
    await new Promise((resolve) => setTimeout(resolve, 700));
    for (let i = 0; i < 6; i++) {
      await h.post(tgText(quick, `steady ${i}`));
      await new Promise((resolve) => setTimeout(resolve, 700));
    }
    expect(h.fake.textsTo(quick.id)).not.toContain(SLOW_DOWN);
    expect(h.fake.textsTo(quick.id).filter((text) => text.includes("steady"))).toHaveLength(6);
  });
});
