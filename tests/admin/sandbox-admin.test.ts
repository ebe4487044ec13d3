import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChannelSenders } from "../../bots/channels/senders.ts";
import { demoId, seedDemoPeople } from "../../core/demo/seed-demo.ts";
import { PUBLIC_ID_PATTERN } from "../../core/users/public-id.ts";
import { attachWorkers } from "../../jobs/runtime/create-runtime.ts";
import { buildTestApp, testConfig, type TestApp } from "../helpers/test-runtime.ts";

let t: TestApp;
const owner = { channel: "tg", id: "900000001", name: "Owner", language: "en" } as const;
let n = 0;
type Item = { id: number; text: string; photo?: string; buttons: Array<Array<{ label: string; data?: string }>> };

async function say(event: Record<string, unknown>): Promise<Item[]> {
  const response = await t.app.inject({
    method: "POST",
    url: "/sandbox/api/events",
    payload: { persona: owner, eventId: `sbadmin-${++n}-${Date.now()}`, event },
  });
  return response.json<{ items: Item[] }>().items;
}
async function outbox(): Promise<Item[]> {
  return (await t.app.inject({ method: "GET", url: `/sandbox/api/messages?chat=tg:${owner.id}&after=0` })).json<{
    items: Item[];
  }>().items;
}
const button = (items: Item[], label: string) => {
  const found = items.flatMap((item) => item.buttons.flat()).find((candidate) => candidate.label === label)?.data;
  if (found === undefined) throw new Error(`no "${label}" in ${JSON.stringify(items.map((item) => item.text))}`);
  return found;
};

beforeAll(async () => {
  t = await buildTestApp({ config: testConfig({ ADMIN_TELEGRAM_IDS: owner.id, QUIET_HOURS: "off" }) });
  attachWorkers(t.runtime, t.core, createChannelSenders(t.runtime.config, t.runtime.redis));
  expect(await seedDemoPeople(t.runtime.mongo)).toBe(300);
  expect(await seedDemoPeople(t.runtime.mongo)).toBe(0);
});
afterAll(() => t.close());

describe("an owner persona in the sandbox", () => {
  it(
    "opens /admin, sees stats, finds and bans a user, " + "and runs a broadcast to the demo people with progress",
    async () => {
      expect(new Set(Array.from({ length: 300 }, (_, i) => demoId(i))).size).toBe(300);
      expect(Array.from({ length: 300 }, (_, i) => demoId(i)).every((id) => PUBLIC_ID_PATTERN.test(id))).toBe(true);
      await say({ kind: "start" });
      await say({ kind: "button", data: "m:lang.en" });
      const admin = await say({ kind: "text", text: "/admin" });
      expect(admin[0]?.text).toBe("Admin. Choose a section:");

      const stats = await say({ kind: "button", data: button(admin, "📊 Stats") });
      // The chart, shown as a picture in the sandbox page, with its figures as the caption; the text list on ask.
      expect(stats[0]?.photo).toMatch(/\/media\/[\w-]{22}\.png$/);
      expect(stats[0]?.text).toContain("Active today: ");
      const figures = await say({ kind: "text", text: "/stats text" });
      expect(figures[0]?.text).toContain("Users: 301");

      await say({ kind: "button", data: button(admin, "👤 Users") });
      const card = await say({ kind: "text", text: demoId(4) });
      expect(card[0]?.text).toContain(`${demoId(4)} · Demo 5`);
      const reason = await say({ kind: "button", data: button(card, "🚫 Ban") });
      // A typed reason of the owner's own, then the confirmation.
      const confirm = await say({ kind: "text", text: "asked to leave" });
      expect(confirm[0]?.text).toContain("for: asked to leave?");
      expect(reason[0]?.text).toContain("Choose a reason or type one.");
      const banned = await say({ kind: "button", data: button(confirm, "🚫 Yes, ban") });
      expect(banned[0]?.text).toContain(`${demoId(4)} is banned.`);

      await say({ kind: "text", text: "/broadcast" });
      await say({ kind: "text", text: "Hello from the sandbox" });
      const askImage = await say({ kind: "text", text: "စမ်းသပ်ခန်းမှ မင်္ဂလာပါ" });
      const segment = await say({ kind: "button", data: button(askImage, "⏭️ Skip") });
      const preview = await say({ kind: "button", data: button(segment, "Everyone") });
      // 300 demo people, 15 unreachable, one banned; plus the owner.
      expect(preview[0]?.text).toContain("Recipients: 285 (Everyone). Not reachable, skipped: 15.");
      const started = await say({ kind: "button", data: button(preview, "📣 Send now") });
      expect(started[0]?.text).toMatch(/^Broadcast B[0-9A-F]{10} started\./);

      const deadline = Date.now() + 30_000;
      let texts: string[] = [];
      while (Date.now() < deadline) {
        texts = (await outbox()).map((item) => item.text);
        if (texts.some((text) => text.startsWith("✅ Broadcast"))) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(texts.some((text) => text.startsWith("📣 Broadcast") && text.includes("remaining"))).toBe(true);
      expect(texts.find((text) => text.startsWith("✅ Broadcast"))).toContain(
        "finished: 285 of the 285 people it could reach got it (failed 0, uncertain 0). 15 more could not be reached " +
          "and were skipped.",
      );
      const demo = (
        await t.app.inject({ method: "GET", url: "/sandbox/api/messages?chat=vb:demoViber1==&after=0" })
      ).json<{ items: Item[] }>().items;
      expect(demo.map((item) => item.text)).toEqual(["စမ်းသပ်ခန်းမှ မင်္ဂလာပါ"]);
    },
    60_000,
  );
});
