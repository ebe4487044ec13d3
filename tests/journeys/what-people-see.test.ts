import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoCatalog } from "../../core/demo/seed-catalog.ts";
import { userModels } from "../../core/users/user-model.ts";
import { jobPayload } from "../../bots/flows/jobs/job-links.ts";
import { tgButton, type TgUser } from "../fakes/telegram-updates.ts";
import type { VbUser } from "../fakes/viber-events.ts";
import { cardButtons, telegramScreen, viberScreen, type Screen, type TelegramScreen } from "../helpers/screens.ts";
import { viberHarness, type ViberHarness } from "../helpers/viber-harness.ts";

/**
 * Journeys as the person sees them: each test presses only what is on screen, by its label in the person's
 * language, and asserts on what is visible (the Telegram fake keeps messages with their keyboards and applies edits;
 * Viber shows one keyboard, the last message's, and refuses to message anyone who has not subscribed or written).
 */
let h: ViberHarness;
let nextId = 9_800_000;
const tr = (language: "en" | "my") => h.t.bot.services.translator.t(language);
const label = (language: "en" | "my", key: string, vars: Record<string, unknown> = {}) => tr(language)(key, vars);

function tgPerson(language: "en" | "my"): { user: TgUser; screen: TelegramScreen } {
  const user: TgUser = { id: nextId++, first_name: `P${nextId}`, language_code: language };
  return { user, screen: telegramScreen(h, user) };
}
function vbPerson(language: "en" | "my"): { user: VbUser; screen: Screen } {
  const user: VbUser = { id: `see${nextId++}==`, name: `V${nextId}`, language };
  return { user, screen: viberScreen(h, user) };
}
const person = (channel: "tg" | "vb", language: "en" | "my") =>
  channel === "tg" ? tgPerson(language) : vbPerson(language);

async function onboard(screen: Screen, language: "en" | "my"): Promise<void> {
  await screen.open();
  await screen.press(language === "en" ? /^(✓ )?English/ : /^(✓ )?မြန်မာ/);
}

/** Viber refused nothing: no send_message went to someone who had not subscribed or written. */
const viberRefusals = () => h.viber.calls.filter((call) => call.method === "send_message" && call.status !== 200);

let jobId = "";
let sharerId = "";

beforeAll(async () => {
  h = await viberHarness({ QUIET_HOURS: "off" });
  await seedDemoCatalog(h.t.runtime.mongo, new Date());
  await h.t.bot.services.catalog.refresh();
  jobId = h.t.bot.services.catalog.search({ keyword: "driver" }, 1, 1).jobs[0]?._id ?? "";
  const sharer = tgPerson("en");
  await onboard(sharer.screen, "en");
  const identity = await userModels(h.t.runtime.mongo).Identity.findById(`tg:${sharer.user.id}`).lean();
  sharerId = identity?.userId ?? "";
});
afterAll(() => h.close());

describe("a Viber newcomer's welcome carries a keyboard", () => {
  it("a plain open: the welcome offers the language choice, and the first tap brings the menu", async () => {
    const { screen } = vbPerson("my");
    await screen.open();
    expect(screen.buttons()).toEqual(["English", "✓ မြန်မာ"]);
    await screen.press("✓ မြန်မာ");
    expect(screen.buttons()).toContain(label("my", "jobs:menu_find"));
    expect(viberRefusals()).toEqual([]);
  });

  for (const language of ["en", "my"] as const)
    it(`from a shared job link (${language}): the welcome is the job with its actions; Apply works`, async () => {
      const { screen } = vbPerson(language);
      await screen.open(jobPayload(jobId, sharerId));
      const job = h.t.bot.services.catalog.search({ keyword: "driver" }, 1, 1).jobs[0];
      expect(screen.texts()).toHaveLength(1);
      expect(screen.lastText()).toContain(job?.title[language]);
      const buttons = screen.buttons();
      expect(buttons).toContain(label(language, "referrals:apply_button"));
      expect(buttons.some((text) => text.startsWith("🤝"))).toBe(true);
      expect(buttons).toContain(label(language, "jobs:save"));
      expect(buttons.some((text) => /English/.test(text))).toBe(true);
      // Switching language keeps the job on screen.
      await screen.press(language === "en" ? /^(✓ )?မြန်မာ/ : /^(✓ )?English/);
      const other = language === "en" ? "my" : "en";
      expect(screen.lastText()).toContain(job?.title[other]);
      await screen.press(label(other, "referrals:apply_button"));
      expect(screen.lastText()).not.toBe(label(other, "common:stale_button"));
      expect(screen.buttons()).toContain(label(other, "common:nav.cancel"));
      expect(viberRefusals()).toEqual([]);
    });
});

describe("Viber shows one keyboard: a screen's own buttons stay next to the menu", () => {
  for (const language of ["en", "my"] as const)
    it(`wallet (${language}): Withdraw is on the keyboard, and typing its label works like pressing it`, async () => {
      const { screen } = vbPerson(language);
      await onboard(screen, language);
      await screen.type("/wallet");
      const buttons = screen.buttons();
      expect(buttons).toContain(label(language, "payouts:withdraw_button"));
      expect(buttons).toContain(label(language, "jobs:menu_find"));
      await screen.type(language === "en" ? "withdraw" : "ငွေထုတ်ရန်");
      expect(screen.lastText()).not.toBe(label(language, "common:unknown_text"));
      expect(screen.lastText()).not.toContain(label(language, "jobs:typed_none", { text: "" }).slice(0, 12));
    });

  it("job share: the Share on Viber link is on the keyboard with the step's buttons", async () => {
    const { screen } = vbPerson("en");
    await onboard(screen, "en");
    await screen.type("driver");
    await screen.press(/^1\. /);
    await screen.press(label("en", "jobs:share"));
    expect(screen.linkOf(label("en", "jobs:share_viber"))).toMatch(/^viber:\/\/forward\?text=/);
    expect(screen.buttons()).toContain(label("en", "common:nav.cancel"));
  });
});

describe("typed text at the menu", () => {
  for (const channel of ["tg", "vb"] as const)
    for (const [language, word, help] of [
      ["en", "driver", "help"],
      ["my", "ယာဉ်မောင်း", "အကူအညီ"],
    ] as const)
      it(`${channel} ${language}: "${word}" searches jobs and "${help}" opens Help`, async () => {
        const { screen } = person(channel, language);
        await onboard(screen, language);
        await screen.type(word);
        expect(screen.lastText()).toMatch(language === "en" ? /^\d+ jobs found/ : /^အလုပ် .+ ခု တွေ့ပါတယ်/);
        await screen.press(label(language, "common:nav.cancel"));
        await screen.type(help);
        expect(screen.texts()).toContain(label(language, "help:text"));
      });
});

describe("a command in the middle of a form keeps the form", () => {
  for (const channel of ["tg", "vb"] as const)
    it(`${channel}: /wallet during a referral, then Continue brings back the step with what was typed`, async () => {
      const { screen } = person(channel, "en");
      await onboard(screen, "en");
      await screen.type("driver");
      await screen.press(/^1\. /);
      await screen.press(/^🤝 Refer a candidate/);
      await screen.type("Ko Zaw Min");
      const asked = screen.lastText();
      await screen.type("/wallet");
      expect(screen.texts().join("\n")).toContain(tr("en")("wallet:title"));
      await screen.press(label("en", "common:nav.resume"));
      expect(screen.lastText()).toBe(asked);
      await screen.press(label("en", "common:nav.back"));
      expect(screen.lastText()).toContain("full name");
    });
});

describe("Telegram: a stale tap changes nothing on screen", () => {
  it("tapping an older message's button answers with a toast; the visible results keep working", async () => {
    const { user, screen } = tgPerson("en");
    await onboard(screen, "en");
    await screen.press(label("en", "jobs:menu_find"));
    const filters = h.telegram.chat(user.id).at(-1);
    await screen.type("driver");
    const before = screen.texts();
    // The filters message (older) still shows its buttons; they belong to a step the person has left.
    const stale = (filters?.markup?.inline_keyboard as Array<Array<{ text: string }>>)[0]?.[0];
    await screen.pressOn(filters?.id ?? 0, stale?.text ?? "");
    expect(screen.toast()).toBe(label("en", "common:stale_toast"));
    expect(screen.texts()).toEqual(before);
    await screen.press(/^1\. /);
    expect(screen.lastText()).toMatch(/Driver/);
  });
});

describe("Telegram: a press on an older message is answered at the bottom", () => {
  it("the older message stays as it was; the answer is the newest message; pressing the newest edits it", async () => {
    const { user, screen } = tgPerson("en");
    await onboard(screen, "en");
    const menu = h.telegram.chat(user.id).at(-1);
    await screen.type("/wallet");
    const count = screen.texts().length;
    await h.postTelegram(tgButton(user, "m:network", menu?.id));
    expect(h.telegram.chat(user.id).find((message) => message.id === menu?.id)).toEqual(menu);
    expect(screen.texts()).toHaveLength(count + 1);
    expect(screen.lastText()).toBe(screen.texts().at(-1));
    // Now the network screen is the newest: a press on it edits it in place (no new message).
    await screen.press(label("en", "common:menu.language"));
    expect(screen.texts()).toHaveLength(count + 1);
    expect(screen.lastText()).toBe(label("en", "onboarding:choose_language"));
  });
});

describe("owner /referrals lists jobs with referrals (works on FerretDB)", () => {
  let referred: Promise<string> | undefined;
  /** One referral to the first driver job, made through the screens once. */
  const referOnce = () =>
    (referred ??= (async () => {
      const referrer = tgPerson("en");
      await onboard(referrer.screen, "en");
      await referrer.screen.type("driver");
      await referrer.screen.press(/^1\. /);
      await referrer.screen.press(/^🤝 Refer a candidate/);
      await referrer.screen.type("Daw Khin Khin");
      await referrer.screen.type("09420111222");
      await referrer.screen.press(label("en", "referrals:skip_cv"));
      await referrer.screen.press(referrer.screen.newestButtons()[0] ?? "");
      await referrer.screen.press(label("en", "referrals:consent_yes"));
      await referrer.screen.press(label("en", "referrals:confirm"));
      return /R[2-9A-HJKMNP-Z]{7}/.exec(referrer.screen.lastText())?.[0] ?? "";
    })());
  for (const channel of ["tg", "vb"] as const)
    for (const language of ["en", "my"] as const)
      it(`${channel} ${language}: lists the job a candidate was referred for, and opens its referrals`, async () => {
        const ref = await referOnce();
        expect(ref).not.toBe("");
        const owner = person(channel, language);
        await onboard(owner.screen, language);
        const { Identity } = userModels(h.t.runtime.mongo);
        const key = channel === "tg" ? `tg:${(owner.user as TgUser).id}` : `vb:${(owner.user as VbUser).id}`;
        const ownerId = (await Identity.findById(key).lean())?.userId ?? "";
        await h.t.core.users.setRoles(ownerId, ["owner"]);
        await owner.screen.type("/referrals");
        expect(owner.screen.texts().join("\n")).not.toContain(label(language, "common:error"));
        const jobButton = owner.screen.buttons().find((text) => text.startsWith(jobId)) ?? "";
        expect(jobButton).not.toBe("");
        await owner.screen.press(jobButton);
        expect(owner.screen.texts().join("\n")).toContain(ref);
      });
});

describe("screens the crawl broke", () => {
  it("Back to the township step after the region filter was removed asks for the region again", async () => {
    const { screen } = tgPerson("en");
    await onboard(screen, "en");
    await screen.press(label("en", "jobs:menu_find"));
    await screen.press(label("en", "jobs:f_location"));
    await screen.press("Yangon Region");
    expect(screen.lastText()).toBe(label("en", "jobs:ask_township", { region: "Yangon Region" }));
    await screen.type("driver");
    await screen.press(label("en", "jobs:change"));
    await screen.press(label("en", "jobs:clear"));
    await screen.press(label("en", "common:nav.back"));
    await screen.press(label("en", "common:nav.back"));
    expect(screen.lastText()).toBe(label("en", "jobs:ask_region"));
    await screen.press("Mandalay Region");
    expect(screen.lastText()).toBe(label("en", "jobs:ask_township", { region: "Mandalay Region" }));
  });

  it("an owner's Finance screen opens (no $min in $group on FerretDB)", async () => {
    const owner = tgPerson("en");
    await onboard(owner.screen, "en");
    const { Identity } = userModels(h.t.runtime.mongo);
    const ownerId = (await Identity.findById(`tg:${owner.user.id}`).lean())?.userId ?? "";
    await h.t.core.users.setRoles(ownerId, ["owner"]);
    await owner.screen.type("/admin");
    await owner.screen.press(label("en", "admin:section.finance"));
    expect(owner.screen.texts().join("\n")).not.toContain(label("en", "common:error"));
    expect(owner.screen.buttons()).toContain(label("en", "payouts:finance.open_queue"));
  });
});

describe("Help covers every feature, from any screen", () => {
  const topics = ["jobs", "refer", "apply", "invite", "wallet", "withdraw", "kyc", "link", "language"];
  for (const channel of ["tg", "vb"] as const)
    for (const language of ["en", "my"] as const)
      it(`${channel} ${language}: each topic explains and leads to its screen, and back to the topics`, async () => {
        const { screen } = person(channel, language);
        await onboard(screen, language);
        await screen.type("/wallet");
        for (const topic of topics) {
          await screen.press(label(language, "common:menu.help"));
          await screen.press(label(language, `help:topics.${topic}`));
          expect(screen.texts()).toContain(label(language, `help:topic.${topic}`));
          await screen.press(label(language, "help:back"));
          expect(screen.texts().join("\n")).toContain(label(language, "help:text"));
        }
        await screen.press(label(language, "help:topics.kyc"));
        await screen.press(label(language, "kyc:menu"));
        expect(screen.lastText()).not.toBe(label(language, "common:unknown_text"));
        expect(screen.texts().join("\n")).not.toContain(label(language, "common:error"));
      });
});

describe("journey: find a job, save it, share it; a new person opens the link and applies", () => {
  for (const channel of ["tg", "vb"] as const)
    for (const [language, word, phone] of [
      ["en", "driver", channel === "tg" ? "09420555001" : "09420555003"],
      ["my", "ယာဉ်မောင်း", channel === "tg" ? "၀၉၄၂၀၅၅၅၀၀၂" : "၀၉၄၂၀၅၅၅၀၀၄"],
    ] as const)
      it(`${channel} ${language}: only what is on screen is pressed`, async () => {
        const sharer = person(channel, language);
        await onboard(sharer.screen, language);
        await sharer.screen.type(word);
        await sharer.screen.press(/^1\. /);
        const card = sharer.screen.lastText();
        await sharer.screen.press(label(language, "jobs:save"));
        expect(sharer.screen.texts()).toContain(label(language, "jobs:saved"));
        expect(sharer.screen.buttons()).toContain(label(language, "jobs:unsave"));
        await sharer.screen.press(label(language, "jobs:share"));
        const shareLink = decodeURIComponent(
          sharer.screen.linkOf(label(language, channel === "tg" ? "jobs:share_telegram" : "jobs:share_viber")),
        );
        const payload = /(?:start|context)=([A-Za-z0-9_-]+)/.exec(shareLink)?.[1] ?? "";
        expect(payload).toMatch(/^J\w{6}_U\w{7}$/);

        const friend = person(channel, language);
        await friend.screen.open(payload);
        // The card the sharer saw is what the friend sees first (same job, same language).
        expect(friend.screen.texts().join("\n")).toContain(card.split("\n")[0] ?? "");
        await friend.screen.press(label(language, "referrals:apply_button"));
        await friend.screen.type(language === "en" ? "Ma Hnin Wai" : "မနှင်းဝေ");
        await friend.screen.type(phone);
        await friend.screen.press(label(language, "referrals:skip_cv"));
        await friend.screen.press(label(language, "referrals:consent_yes"));
        await friend.screen.press(label(language, "referrals:apply.send"));
        const done = friend.screen.texts().find((text) => /R[2-9A-HJKMNP-Z]{7}/.test(text)) ?? "";
        const ref = /R[2-9A-HJKMNP-Z]{7}/.exec(done)?.[0] ?? "";
        const referral = await h.t.core.referrals.find(ref);
        const sharerId = payload.split("_")[1];
        expect(referral).toMatchObject({ source: "link", referrerId: sharerId, status: "submitted" });
        expect(viberRefusals()).toEqual([]);
      });
});

describe("Viber shows lists as a carousel", () => {
  for (const language of ["en", "my"] as const)
    it(`${language}: search results are cards with an Open button each, the text is their fallback`, async () => {
      const { user, screen } = vbPerson(language);
      await onboard(screen, language);
      await screen.type(language === "en" ? "driver" : "ယာဉ်မောင်း");
      const sent = h.viber.calls.filter((call) => call.method === "send_message" && call.payload.receiver === user.id);
      const carousel = sent.at(-2)?.payload;
      expect(carousel?.type).toBe("rich_media");
      expect(carousel?.min_api_version).toBe(7);
      expect(String(carousel?.alt_text)).toMatch(language === "en" ? /^\d+ jobs found/ : /^အလုပ် /);
      const cards = cardButtons(carousel ?? {});
      expect(cards.length).toBeGreaterThanOrEqual(2);
      expect(cards.length).toBeLessThanOrEqual(12);
      expect(cards.filter((card) => card.text === label(language, "jobs:open_card")).length).toBe(cards.length / 2);
      // The header comes last, with the keyboard.
      expect(screen.lastText()).toMatch(language === "en" ? /^\d+ jobs found \(page 1 of \d+\):$/ : /^အလုပ် /);
      await screen.press(label(language, "jobs:open_card"));
      expect(screen.buttons()).toContain(label(language, "jobs:save"));
    });
});
