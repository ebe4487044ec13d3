import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoCatalog } from "../../core/demo/seed-catalog.ts";
import { userModels } from "../../core/users/user-model.ts";
import { tgButton, tgPhoto, tgText, type TgUser } from "../fakes/telegram-updates.ts";
import { vbConversationStarted, vbText, type VbUser } from "../fakes/viber-events.ts";
import { chatDriver } from "../helpers/chat-driver.ts";
import { viberHarness, type ViberHarness } from "../helpers/viber-harness.ts";

let h: ViberHarness;
const ANN: TgUser = { id: 9_500_001, first_name: "Ann", language_code: "en" };
const HLA: VbUser = { id: "jobsHla0001==", name: "Hla", language: "my" };
const d = () => chatDriver(h);
const tgText_ = (user: TgUser) => d().tgText(user);
const tgPress = (user: TgUser, label: string | RegExp) => d().tgPress(user, label);
const vbLast = (user: VbUser) => h.viber.lastTo(user.id);
const vbPress = (user: VbUser, label: string | RegExp) => d().vbPress(user, label);

beforeAll(async () => {
  h = await viberHarness();
  expect(await seedDemoCatalog(h.t.runtime.mongo, new Date())).toBe(240);
  expect(await h.t.bot.services.catalog.refresh()).toBe(240);
  await h.postTelegram(tgText(ANN, "/start"));
  await h.postTelegram(tgButton(ANN, "m:lang.en"));
  await h.post(vbConversationStarted(HLA));
  await h.post(vbText(HLA, "m:lang.my"));
});
afterAll(() => h.close());

describe("finding, saving and sharing jobs", () => {
  it("Telegram, English: search by keyword, open a job, save it, find it in saved jobs, share it", async () => {
    await tgPress(ANN, "🔎 Find jobs");
    expect(tgText_(ANN)).toContain("Find jobs. Choose filters");
    // Something the step cannot use gets its question again, never silence.
    const before = h.telegram.textsTo(ANN.id).length;
    await h.postTelegram(tgPhoto(ANN));
    expect(h.telegram.textsTo(ANN.id).length).toBe(before + 1);
    expect(tgText_(ANN)).toContain("Find jobs. Choose filters");
    await h.postTelegram(tgText(ANN, "drivers"));
    expect(tgText_(ANN)).toMatch(/^\d+ jobs found \(page 1 of \d+\):/);
    expect(tgText_(ANN)).toMatch(/Driver/);
    await tgPress(ANN, /^1\. /);
    const card = tgText_(ANN);
    expect(card).toMatch(/Driver/);
    expect(card).toMatch(/💰 MMK [\d,]+ – [\d,]+ · Full time/);
    expect(card).toMatch(/🎁 Referral bonus: MMK [\d,]+/);
    expect(card).toMatch(/🗓 Posted \d{1,2} \w{3} \d{4}/);
    await tgPress(ANN, "⭐ Save");
    expect(h.telegram.textsTo(ANN.id).at(-2)).toBe('Saved. Find it under "Saved jobs".');
    await tgPress(ANN, "📤 Share");
    const shareIntro = h.telegram.textsTo(ANN.id).at(-2) ?? "";
    const annId = (await userModels(h.t.runtime.mongo).Identity.findById(`tg:${ANN.id}`).lean())?.userId ?? "";
    const payload = new RegExp(`start=(JD[2-9A-Z]{5}_${annId})`).exec(shareIntro)?.[1];
    expect(payload).toBeDefined();
    expect(payload?.length).toBeLessThanOrEqual(64);
    expect(shareIntro).toContain(`viber://pa?chatURI=trmjobs&context=${payload}`);
    expect(tgText_(ANN)).toContain("Apply or refer a friend on TRM Jobs");

    await h.postTelegram(tgText(ANN, "/saved"));
    expect(tgText_(ANN)).toMatch(/^Your saved jobs:\n1\. .*Driver/);

    // Someone new opens the shared link: the job first, then the language choice; the sharer invited them.
    const friend: TgUser = { id: 9_500_002, first_name: "Friend", language_code: "en" };
    await h.postTelegram(tgText(friend, `/start ${payload}`));
    const texts = h.telegram.textsTo(friend.id);
    expect(texts[0]).toContain("Welcome to TRM Jobs, Friend!");
    expect(texts[1]).toMatch(/Driver[\s\S]*Referral bonus/);
    expect(texts[2]).toBe("Please choose your language:");
    const friendUser = await userModels(h.t.runtime.mongo)
      .User.findById((await userModels(h.t.runtime.mongo).Identity.findById(`tg:${friend.id}`).lean())?.userId)
      .lean();
    expect(friendUser?.invitedBy).toBe(annId);
  });

  it("Viber, Burmese: a Burmese keyword finds driver jobs, with Burmese salaries, and saving works", async () => {
    await vbPress(HLA, "🔎 အလုပ်ရှာရန်");
    await h.post(vbText(HLA, "ကားေမာင္း"));
    // A carousel of the results (its fallback text is the whole list), then the header with the keyboard.
    const results = h.viber.textsTo(HLA.id).at(-2) ?? "";
    expect(String(vbLast(HLA)?.payload.text)).toMatch(/^အလုပ် [၀-၉,]+ ခု တွေ့ပါတယ် \(စာမျက်နှာ ၁ \/ [၀-၉]+\):$/);
    expect(results).toMatch(/^အလုပ် [၀-၉,]+ ခု တွေ့ပါတယ် \(စာမျက်နှာ ၁ \/ [၀-၉]+\):/);
    expect(results).toContain("ကားမောင်းသူ");
    expect(results).toMatch(/လစာ [၀-၉.]+ – [၀-၉.]+ သိန်း/);
    await vbPress(HLA, /^1\. /);
    expect(String(vbLast(HLA)?.payload.text)).toContain("🎁 ညွှန်းဆုကြေး:");
    await vbPress(HLA, "⭐ သိမ်းရန်");
    expect(h.viber.textsTo(HLA.id).at(-2)).toContain("သိမ်းပြီးပါပြီ");
  });

  it("says so when nothing matches, and removing a filter brings results back", async () => {
    await h.postTelegram(tgText(ANN, "/jobs"));
    await tgPress(ANN, "📂 Category");
    await tgPress(ANN, "Security");
    expect(tgText_(ANN)).toMatch(/jobs found/);
    await tgPress(ANN, "⚙️ Change filters");
    await tgPress(ANN, "🔤 Keyword");
    await h.postTelegram(tgText(ANN, "astronaut"));
    expect(tgText_(ANN)).toBe("No open jobs match these filters. Remove a filter to see more.");
    expect(d().tgButtons(ANN)).toEqual([
      "✖ “astronaut”",
      "✖ Security",
      "🔔 Alert me about new jobs like these",
      "⚙️ Change filters",
      "⬅️ Back",
      "✖️ Cancel",
    ]);
    await tgPress(ANN, "✖ “astronaut”");
    expect(tgText_(ANN)).toMatch(/jobs found/);
  });

  it("marks saved jobs that have closed", async () => {
    const saved = await h.t.bot.services.catalog.savedJobs(
      (await userModels(h.t.runtime.mongo).Identity.findById(`tg:${ANN.id}`).lean())?.userId ?? "",
    );
    await h.t.bot.services.catalog.setStatus(saved[0] ?? "", "closed");
    await h.postTelegram(tgText(ANN, "/saved"));
    expect(tgText_(ANN)).toMatch(/1\. .* \(closed\)/);
    await tgPress(ANN, /^1\. /);
    expect(tgText_(ANN)).toMatch(/^⚠️ This job is closed\./);
  });
});
