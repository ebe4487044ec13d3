import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoCatalog } from "../../core/demo/seed-catalog.ts";
import { userModels } from "../../core/users/user-model.ts";
import { crawl, NOTHING_SEEN, printReports, type CrawlReport, type Persona } from "../crawl/ui-crawl.ts";
import { vbConversationStarted } from "../fakes/viber-events.ts";
import { viberHarness, type ViberHarness } from "../helpers/viber-harness.ts";

/**
 * The label-blind crawl over six personas (Telegram and Viber, English and Burmese, regular people and owners). In
 * `npm test` a short walk with a fixed seed; `npm run crawl -- --steps N --seed S` runs long ones.
 */
const STEPS = Number(process.env.CRAWL_STEPS ?? 40);
const SEED = Number(process.env.CRAWL_SEED ?? 20261201);
const OWNER_TG = 9_900_001;

let h: ViberHarness;
const personas: Persona[] = [
  { name: "tg-en-user", channel: "tg", language: "en", tg: { id: 9_900_010, first_name: "Ann", language_code: "en" } },
  { name: "tg-my-user", channel: "tg", language: "my", tg: { id: 9_900_011, first_name: "Aye", language_code: "my" } },
  { name: "vb-en-user", channel: "vb", language: "en", vb: { id: "crawlVbEn01==", name: "Ben", language: "en" } },
  { name: "vb-my-user", channel: "vb", language: "my", vb: { id: "crawlVbMy01==", name: "Hla", language: "my" } },
  {
    name: "tg-en-owner",
    channel: "tg",
    language: "en",
    tg: { id: OWNER_TG, first_name: "Owner", language_code: "en" },
  },
  { name: "vb-my-owner", channel: "vb", language: "my", vb: { id: "crawlVbOwn1==", name: "Own", language: "my" } },
];

beforeAll(async () => {
  h = await viberHarness({ QUIET_HOURS: "off", ADMIN_TELEGRAM_IDS: String(OWNER_TG) });
  await seedDemoCatalog(h.t.runtime.mongo, new Date());
  await h.t.bot.services.catalog.refresh();
});
afterAll(() => h.close());

describe("label-blind crawl", () => {
  const never = "no apology, hidden button, stale newest tap, raw key, silence, bad Viber keyboard or 5xx";
  it(`${STEPS} steps per persona, seed ${SEED}: ${never}`, async () => {
    const t = (language: "en" | "my") => h.t.bot.services.translator.t(language);
    const apologies = [t("en")("common:error"), t("my")("common:error")];
    const stale = ["en", "my"].flatMap((language) => [
      t(language as "en" | "my")("common:stale_toast"),
      t(language as "en" | "my")("common:stale_button"),
    ]);
    const reports: CrawlReport[] = [];
    for (const [index, persona] of personas.entries()) {
      if (persona.name === "vb-my-owner") {
        // Made an owner once they exist (the first contact creates them).
        const { Identity } = userModels(h.t.runtime.mongo);
        await h.post(vbConversationStarted(persona.vb ?? { id: "", name: "" }));
        const userId = (await Identity.findById(`vb:${persona.vb?.id ?? ""}`).lean())?.userId ?? "";
        await h.t.core.users.setRoles(userId, ["owner"]);
      }
      reports.push(await crawl(h, persona, STEPS, SEED + index, apologies, stale));
    }
    const totals = printReports(reports, STEPS, SEED);
    expect(totals).toEqual(NOTHING_SEEN);
  }, 600_000);
});
