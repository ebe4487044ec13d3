import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditModel } from "../../core/admin/audit-log.ts";
import { catalogModels } from "../../core/catalog/catalog-models.ts";
import { seedDemoCatalog } from "../../core/demo/seed-catalog.ts";
import { buildTestApp, testConfig, type TestApp } from "../helpers/test-runtime.ts";

let t: TestApp;
const owner = { channel: "tg", id: "900000001", name: "Owner", language: "en" } as const;
const nobody = { channel: "vb", id: "recruitNobody1==", name: "Nobody", language: "en" } as const;
type Item = { text: string; buttons: Array<Array<{ label: string; data?: string }>> };
let n = 0;
async function say(persona: typeof owner | typeof nobody, event: Record<string, unknown>): Promise<Item[]> {
  const response = await t.app.inject({
    method: "POST",
    url: "/sandbox/api/events",
    payload: { persona, eventId: `recruit-${++n}-${Date.now()}`, event },
  });
  expect(response.statusCode).toBe(200);
  return response.json<{ items: Item[] }>().items;
}
const press = (persona: typeof owner, items: Item[], label: string) => {
  const data = items.flatMap((item) => item.buttons.flat()).find((button) => button.label === label)?.data;
  if (data === undefined) throw new Error(`no "${label}" in ${JSON.stringify(items.map((item) => item.text))}`);
  return say(persona, { kind: "button", data });
};
const file = (name: string, content: string) => ({
  kind: "file",
  name,
  mime: name.endsWith(".json") ? "application/json" : "text/csv",
  dataBase64: Buffer.from(content).toString("base64"),
});
const jobCount = () => catalogModels(t.runtime.mongo).Job.countDocuments({});
const HEADER =
  "company_id,title_en,title_my,description_en,description_my,category,region,township," +
  "salary_min,salary_max,employment,bonus,expires_in_days";

beforeAll(async () => {
  t = await buildTestApp({ config: testConfig({ ADMIN_TELEGRAM_IDS: owner.id }) });
  await seedDemoCatalog(t.runtime.mongo);
  await t.bot.services.catalog.refresh();
  await say(owner, { kind: "start" });
  await say(owner, { kind: "button", data: "m:lang.en" });
});
afterAll(() => t.close());

describe("recruiter tools", () => {
  it("do not exist for people without the role", async () => {
    await say(nobody, { kind: "start" });
    const answer = await say(nobody, { kind: "text", text: "/recruit" });
    expect(answer[0]?.text).toBe("Sorry, I didn't understand that. Please choose from the menu, or tap Help.");
  });

  it("reject an import file with bad rows, listing line numbers and reasons, and write nothing", async () => {
    const before = await jobCount();
    const csv = [
      HEADER,
      "C001,Barista,ဘာရစ်စတာ,Make coffee,ကော်ဖီဖျော်ရန်,hospitality,yangon,kamayut,250000,350000,full_time,30000,30",
      "C001,Pilot,လေယာဉ်မှူး,Fly planes,လေယာဉ်မောင်းရန်,aviation,yangon,kamayut,900000,1200000,full_time,50000,30",
      "C002,Teller,ငွေကိုင်,Count money,ငွေရေတွက်ရန်,finance,mandalay,kamayut,300000,400000,full_time,30000,30",
      "C003,Guard,လုံခြုံရေး,Guard,စောင့်ရန်,security,yangon,hlaing,500000,300000,daily,abc,30",
      "C999,Cook,စားဖိုမှူး,Cook,ချက်ရန်,hospitality,yangon,hlaing,300000,400000,full_time,30000,30",
    ].join("\n");
    await say(owner, { kind: "text", text: "/recruit" });
    const asked = await say(owner, { kind: "button", data: "m:importjobs" });
    expect(asked[0]?.text).toContain("Send the file now: CSV or JSON");
    const rejected = await say(owner, file("jobs.csv", csv));
    const message = rejected[0]?.text ?? "";
    expect(message).toMatch(/^Nothing was imported: 5 problems\./);
    expect(message).toContain("line 3: category must be one of");
    expect(message).toContain("line 4: township is not a township of mandalay");
    expect(message).toContain("line 5: salary_max must not be below salary_min");
    expect(message).toContain("line 5: bonus must be a whole number of kyat");
    expect(message).toContain("line 6: company_id C999 is not a known company");
    expect(message).not.toContain("line 2:");
    expect(await jobCount()).toBe(before);
    expect(await auditModel(t.runtime.mongo).countDocuments({ action: "job.import_rejected" })).toBe(1);
  });

  it("import a valid JSON file after a confirmation; the jobs are searchable at once", async () => {
    const before = await jobCount();
    const jobs = [1, 2, 3].map((i) => ({
      company_id: "C004",
      title_en: `Forklift Operator ${i}`,
      title_my: `ဖော့ကလစ် မောင်းသူ ${i}`,
      description_en: "Move pallets in the warehouse",
      description_my: "ဂိုဒေါင်တွင် ပစ္စည်းရွှေ့ရန်",
      category: "factory",
      region: "yangon",
      township: "hlaingtharya",
      salary_min: 300000,
      salary_max: 450000,
      employment: "full_time",
      bonus: 40000,
    }));
    await say(owner, { kind: "button", data: "m:importjobs" });
    const ready = await say(owner, file("jobs.json", JSON.stringify(jobs)));
    expect(ready[0]?.text).toBe("3 jobs are valid. Publish them all?");
    const done = await press(owner, ready, "✅ Publish 3 jobs");
    expect(done[0]?.text).toBe("Imported and published 3 jobs.");
    expect(await jobCount()).toBe(before + 3);
    expect(t.bot.services.catalog.search({ keyword: "forklift" }, 1, 10).total).toBe(3);
    expect(t.bot.services.catalog.search({ keyword: "ဖော့ကလစ်" }, 1, 10).total).toBe(3);
    expect(await auditModel(t.runtime.mongo).countDocuments({ action: "job.import" })).toBe(1);
  });

  it("add a job step by step in both languages, with a preview, then manage it", async () => {
    let items = await say(owner, { kind: "button", data: "m:addjob" });
    items = await press(owner, items, "Golden Lotus Hotel");
    items = await press(owner, items, "Hotels & Restaurants");
    items = await press(owner, items, "Mandalay Region");
    await press(owner, items, "Pyin Oo Lwin");
    await say(owner, { kind: "text", text: "Pastry Chef" });
    await say(owner, { kind: "text", text: "မုန့်ဖုတ်စားဖိုမှူး" });
    await say(owner, { kind: "text", text: "Bake bread and cakes for the hotel." });
    await say(owner, { kind: "text", text: "ဟိုတယ်အတွက် ပေါင်မုန့်နှင့် ကိတ်မုန့် ဖုတ်ရန်။" });
    items = await say(owner, { kind: "text", text: "4-6 lakh" });
    await press(owner, items, "Full time");
    items = await say(owner, { kind: "text", text: "70,000" });
    const preview = items[0]?.text ?? "";
    expect(preview).toContain("Preview (English):\n\nPastry Chef");
    expect(preview).toContain("MMK 400,000 – 600,000 · Full time");
    expect(preview).toContain("Preview (Burmese):\n\nမုန့်ဖုတ်စားဖိုမှူး");
    expect(preview).toContain("လစာ ၄ – ၆ သိန်း");
    items = await press(owner, items, "✅ Publish");
    const id = /Published: (J[2-9A-Z]{6})\./.exec(items[0]?.text ?? "")?.[1] ?? "";
    expect(id).not.toBe("");
    expect(t.bot.services.catalog.search({ keyword: "pastry" }, 1, 5).jobs.map((job) => job._id)).toEqual([id]);

    items = await say(owner, { kind: "text", text: `/job ${id.toLowerCase()}` });
    expect(items[0]?.text).toContain(`Status: open · id ${id}`);
    items = await press(owner, items, "🔒 Close");
    expect(items[0]?.text).toBe(`${id} is closed.`);
    expect(t.bot.services.catalog.search({ keyword: "pastry" }, 1, 5).total).toBe(0);
    items = await press(owner, items, "🔓 Reopen");
    expect(t.bot.services.catalog.search({ keyword: "pastry" }, 1, 5).total).toBe(1);
    await press(owner, items, "🎁 Edit bonus");
    items = await say(owner, { kind: "text", text: "90000" });
    expect(items[0]?.text).toBe(`The bonus of ${id} is now MMK 90,000.`);
    const actions = (await auditModel(t.runtime.mongo).find({ target: id }).sort({ at: 1 }).lean()).map(
      (entry) => entry.action,
    );
    expect(actions).toEqual(["job.publish", "job.close", "job.reopen", "job.bonus"]);
  });

  it("manage companies: add one, verify it", async () => {
    let items = await say(owner, { kind: "button", data: "m:companies" });
    expect(items[0]?.text).toContain("C001 · Golden Lotus Hotel ✓");
    await press(owner, items, "➕ Add a company");
    await say(owner, { kind: "text", text: "Inle Boat Tours" });
    await say(owner, { kind: "text", text: "အင်းလေး လှေခရီးစဉ်" });
    items = await say(owner, { kind: "text", text: "09 420 000 000" });
    expect(items[0]?.text).toBe("Added C013: Inle Boat Tours.");
    items = await say(owner, { kind: "button", data: "m:companies" });
    items = await press(owner, items, "✓ Verify C013");
    expect(items[0]?.text).toBe("C013 is now verified.");
    expect(await auditModel(t.runtime.mongo).countDocuments({ target: "C013" })).toBe(2);
  });
});
