import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoCatalog } from "../../core/demo/seed-catalog.ts";
import { buildTestApp, type TestApp } from "../helpers/test-runtime.ts";

let t: TestApp;
type Item = { text: string; buttons: Array<Array<{ label: string; data?: string }>> };
type Persona = { channel: "tg" | "vb"; id: string; name: string; language: "en" | "my" };
let n = 0;
const say = async (persona: Persona, event: Record<string, unknown>): Promise<Item[]> =>
  (
    await t.app.inject({
      method: "POST",
      url: "/sandbox/api/events",
      payload: { persona, eventId: `sbjobs-${++n}-${Date.now()}`, event },
    })
  ).json<{ items: Item[] }>().items;
const press = (persona: Persona, items: Item[], label: RegExp) => {
  const data = items.flatMap((item) => item.buttons.flat()).find((button) => label.test(button.label))?.data;
  if (data === undefined) throw new Error(`no ${String(label)} in ${JSON.stringify(items.map((item) => item.text))}`);
  return say(persona, { kind: "button", data });
};

beforeAll(async () => {
  t = await buildTestApp();
  await seedDemoCatalog(t.runtime.mongo);
  await t.bot.services.catalog.refresh();
});
afterAll(() => t.close());

describe("jobs in the sandbox, both languages, both personas", () => {
  const cases: Array<[Persona, string, RegExp, RegExp, RegExp, RegExp]> = [
    [
      { channel: "vb", id: "sbJobsVb01==", name: "Hla", language: "my" },
      "m:lang.my",
      /အလုပ်ရှာရန်/,
      /သိမ်းရန်/,
      /မျှဝေရန်/,
      /သတိပေးပါ/,
    ],
    [
      { channel: "tg", id: "900001234", name: "Ann", language: "en" },
      "m:lang.en",
      /Find jobs/,
      /Save/,
      /Share/,
      /Alert me/,
    ],
  ];
  it.each(cases)(
    "%o finds a seeded job by a Burmese keyword, saves it, shares it and subscribes to alerts",
    async (persona, language, find, save, share, alert) => {
      await say(persona, { kind: "start" });
      const menu = await say(persona, { kind: "button", data: language });
      const filters = await press(persona, menu, find);
      expect(filters[0]?.text).toBeDefined();
      const results = await say(persona, { kind: "text", text: "စားပွဲထိုး" });
      expect(results[0]?.text).toMatch(/^(\d+ jobs found|အလုပ် [၀-၉,]+ ခု တွေ့ပါတယ်)/);
      const card = await press(persona, results, /^1\. /);
      const saved = await press(persona, card, save);
      expect(saved[0]?.text).toMatch(/Saved\.|သိမ်းပြီးပါပြီ/);
      const shared = await press(persona, saved, share);
      expect(shared.map((item) => item.text).join("\n")).toMatch(
        persona.channel === "tg"
          ? /t\.me\/TRMJobsBot\?start=JD[2-9A-Z]{5}_U/
          : /viber:\/\/pa\?chatURI=trmjobs&context=JD[2-9A-Z]{5}_U/,
      );
      // Back to the results: a keyword alone is not an alert (it needs a category or a place)…
      const again = await say(persona, { kind: "button", data: "n:back" });
      const subscribed = await press(persona, again, alert);
      expect(subscribed[0]?.text).toMatch(/Choose a category or a location first|အမျိုးအစား သို့မဟုတ် နေရာ အရင်ရွေးပါ/);
      // …so subscribe from the alerts menu instead.
      const byCategory = await say(persona, { kind: "text", text: "/alerts" });
      const add = await press(persona, byCategory, /New alert|သတိပေးချက်အသစ်/);
      const region = await press(persona, add, /Hotels & Restaurants|ဟိုတယ်နှင့် စားသောက်ဆိုင်/);
      const done = await press(persona, region, /Yangon Region|ရန်ကုန်တိုင်းဒေသကြီး/);
      expect(done[0]?.text).toMatch(/Done\. You will get an alert|ပြီးပါပြီ။ ဒီအလုပ်သစ်များအတွက် သတိပေးပါမယ်/);
    },
  );
});
