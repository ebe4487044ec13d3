import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChannelSenders } from "../../bots/channels/senders.ts";
import { seedDemoCatalog } from "../../core/demo/seed-catalog.ts";
import { mediaModel } from "../../core/files/media-vault.ts";
import type { JobDoc } from "../../core/catalog/catalog-models.ts";
import { CATEGORIES, REGIONS } from "../../core/catalog/taxonomy.ts";
import { kycModels } from "../../core/kyc/kyc-models.ts";
import { invoiceModel } from "../../core/payments/invoice-service.ts";
import { userModels } from "../../core/users/user-model.ts";
import { attachWorkers } from "../../jobs/runtime/create-runtime.ts";
import { samplePng } from "../../webhooks/sandbox-page/sample-images.ts";
import type { TgUser } from "../fakes/telegram-updates.ts";
import { telegramScreen, viberScreen, type Screen } from "../helpers/screens.ts";
import { viberHarness, type ViberHarness } from "../helpers/viber-harness.ts";
import { waitFor } from "../helpers/wait-for.ts";

/**
 * Journeys that cross people and background work (notifications, file checks), pressing only what is on screen, on
 * Telegram and Viber, in English and Burmese; the owner works in English on Telegram. Money: a person refers a
 * candidate; the owner moves it to hired; the invoice is paid on the sandbox gateway page; the wallet shows the bonus
 * available; the person verifies their identity (NRC and photos); the owner approves it; the person withdraws;
 * finance pays. Alerts: subscribe, a job is published, the alert opens it with one tap.
 */
let h: ViberHarness;
const OWNER: TgUser = { id: 9_700_001, first_name: "Owner", language_code: "en" };
let owner: Screen;
const tr = (language: "en" | "my") => h.t.bot.services.translator.t(language);
const label = (language: "en" | "my", key: string, vars: Record<string, unknown> = {}) => tr(language)(key, vars);

beforeAll(async () => {
  h = await viberHarness({
    SANDBOX: "true",
    QUIET_HOURS: "off",
    ADMIN_TELEGRAM_IDS: String(OWNER.id),
    REWARDS_RELEASE: "invoice",
    PAYOUT_PROVIDER: "manual",
    NOTIFY_TELEGRAM_CHAT_INTERVAL_MS: "0",
  });
  attachWorkers(h.t.runtime, h.t.core, createChannelSenders(h.t.runtime.config, h.t.runtime.redis));
  await seedDemoCatalog(h.t.runtime.mongo, new Date());
  await h.t.bot.services.catalog.refresh();
  owner = telegramScreen(h, OWNER);
  await owner.open();
  await owner.press(/^(✓ )?English/);
}, 60_000);
afterAll(() => h.close());

const CASES = [
  { channel: "tg", language: "en", n: 1 },
  { channel: "vb", language: "my", n: 2 },
  { channel: "vb", language: "en", n: 3 },
  { channel: "tg", language: "my", n: 4 },
] as const;

describe("journey: refer → hired → invoice paid → wallet → KYC → approved → withdraw → paid", () => {
  for (const { channel, language, n } of CASES)
    it(`${channel} ${language}`, async () => {
      const screen =
        channel === "tg"
          ? telegramScreen(h, { id: 9_700_100 + n, first_name: `Referrer${n}`, language_code: language })
          : viberScreen(h, { id: `moneyVb${n}==`, name: `Referrer${n}`, language });
      const chatKey = channel === "tg" ? `tg:${9_700_100 + n}` : `vb:moneyVb${n}==`;
      await screen.open();
      await screen.press(language === "en" ? /^(✓ )?English/ : /^(✓ )?မြန်မာ/);
      const userId = (await userModels(h.t.runtime.mongo).Identity.findById(chatKey).lean())?.userId ?? "";

      // Refer a candidate to the first cashier job.
      await screen.type(language === "en" ? "cashier" : "ငွေကိုင်");
      await screen.press(/^1\. /);
      await screen.press(/^🤝/);
      await screen.type(`Ma Hla ${n}`);
      await screen.type(`09 9777 5555${n}`);
      await screen.press(label(language, "referrals:skip_cv"));
      await screen.press(label(language, "referrals:relationship.friend"));
      await screen.press(label(language, "referrals:consent_yes"));
      await screen.press(label(language, "referrals:confirm"));
      const ref = /R[2-9A-HJKMNP-Z]{7}/.exec(screen.texts().join("\n"))?.[0] ?? "";
      expect(ref).not.toBe("");

      // The owner moves it to hired, pressing the pipeline's buttons.
      await owner.type(`/referrals ${ref}`);
      for (const step of ["🔎 Screening", "🗣 Interview", "📄 Offer", "🎉 Hired"]) await owner.press(step);

      // The invoice reaches the owner with its sandbox gateway link; the employer pays there.
      const invoice = await invoiceModel(h.t.runtime.mongo).findOne({ referralId: ref }).lean();
      await waitFor(() => owner.texts().some((text) => text.includes(`/sandbox/pay/${invoice?._id ?? "-"}`)), 15_000);
      const link = new RegExp(`(/sandbox/pay/${invoice?._id ?? "-"})`).exec(owner.texts().join("\n"))?.[1] ?? "";
      expect(link).not.toBe("");
      const paid = await h.t.app.inject({
        method: "POST",
        url: `${link}/pay`,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        payload: "",
      });
      expect(paid.statusCode).toBe(200);

      // The wallet shows the bonus available.
      await waitFor(async () => (await h.t.bot.services.wallet.balances(userId)).available > 0, 15_000);
      await screen.type("/wallet");
      const wallet = screen.texts().findLast((text) => text.startsWith(label(language, "wallet:title"))) ?? "";
      expect(wallet).toMatch(language === "en" ? /Available: MMK [1-9]/ : /ထုတ်ယူနိုင်: [၁-၉]/);

      // Withdraw asks for identity first: verify with the NRC and three photos.
      await screen.press(label(language, "payouts:withdraw_button"));
      await screen.press(label(language, "kyc:menu"));
      await screen.press(label(language, "kyc:begin"));
      await screen.type(`12/OUKAMA(N)12345${n}`);
      await screen.type(`Ma Thida ${n}`.replace(/\d/g, "") + ["", " A", " B", " C", " D"][n]);
      await screen.type("15-06-1992");
      for (let i = 0; i < 3; i++) await screen.sendPhoto(samplePng(800, 500 + 10 * n + i));
      // The photos are checked and stored in the background; the summary's Submit then goes through.
      await waitFor(
        async () =>
          (await mediaModel(h.t.runtime.mongo).countDocuments({ ownerId: userId, purpose: "kyc", status: "stored" })) >=
          3,
        15_000,
        "the photos",
      );
      await screen.press(label(language, "kyc:submit"));
      const state = async () => kycModels(h.t.runtime.mongo).State.findById(userId).lean();
      await waitFor(async () => (await state())?.status === "submitted", 15_000, "the submission");

      // The owner reviews it and approves.
      const submissionId = (await state())?.submissionId ?? "";
      await owner.type("/kyc");
      await owner.press(new RegExp(`^${submissionId} · `));
      await owner.press(label("en", "kycreview:approve"));
      await waitFor(async () => (await state())?.status === "approved", 15_000, "the approval");

      // Now the withdrawal goes through.
      const available = (await h.t.bot.services.wallet.balances(userId)).available;
      await screen.type("/wallet");
      await screen.press(label(language, "payouts:withdraw_button"));
      await screen.type(String(available));
      await screen.press("KBZPay");
      await screen.type("09 420 111 22" + String(n));
      await screen.press(label(language, "payouts:confirm_button"));
      await waitFor(async () => (await h.t.bot.services.wallet.balances(userId)).held === available, 15_000);

      // Finance (the owner) approves and marks it paid with the transfer's reference.
      await owner.type("/payouts");
      await owner.press(/^P\w+ · /);
      await owner.press(label("en", "payouts:finance.approve"));
      await owner.type("/payouts");
      await owner.press(/^P\w+ · /);
      await owner.press(label("en", "payouts:finance.mark_paid"));
      await owner.type(`KBZ-TXN-${n}`);
      await waitFor(
        async () => (await h.t.bot.services.wallet.balances(userId)).paidout === available,
        15_000,
        "the payout",
      );
      await waitFor(async () => screen.texts().some((text) => text.includes(`KBZ-TXN-${n}`)), 15_000, "the notice");
      // Viber never refused a send (nobody was messaged before they subscribed or wrote).
      expect(h.viber.calls.filter((call) => call.method === "send_message" && call.status !== 200)).toEqual([]);
    }, 120_000);
});

describe("journey: subscribe to alerts → a job is published → the alert opens the job with one tap", () => {
  for (const { channel, language, n } of CASES)
    it(`${channel} ${language}`, async () => {
      const screen =
        channel === "tg"
          ? telegramScreen(h, { id: 9_700_200 + n, first_name: `Seeker${n}`, language_code: language })
          : viberScreen(h, { id: `alertVb${n}==`, name: `Seeker${n}`, language });
      await screen.open();
      await screen.press(language === "en" ? /^(✓ )?English/ : /^(✓ )?မြန်မာ/);
      await screen.press(label(language, "alerts:menu"));
      await screen.press(label(language, "alerts:add"));
      await screen.press(CATEGORIES.security[language]);
      await screen.press(REGIONS.mandalay.name[language]);
      expect(screen.texts().join("\n")).toContain(label(language, "alerts:added", { label: "" }).slice(0, 8));

      const now = new Date();
      const job: JobDoc = {
        _id: `JSEC${"2345"[n - 1]}AB`,
        companyId: "C001",
        title: { en: `Night Guard ${n}`, my: `ညစောင့် ${n}` },
        description: { en: "Guard the site at night", my: "ညဘက် စောင့်ရန်" },
        category: "security",
        region: "mandalay",
        township: "chanayethazan",
        salaryMin: 300_000,
        salaryMax: 400_000,
        employment: "full_time",
        bonus: 30_000,
        status: "open",
        postedAt: now,
        expiresAt: new Date(now.getTime() + 30 * 86_400_000),
        createdBy: "test",
      };
      await h.t.bot.services.catalog.publish(job);
      const alert = label(language, "alerts:open");
      await waitFor(() => screen.newestButtons().includes(alert), 15_000, "the alert with its button");
      await screen.press(alert);
      expect(screen.lastText()).toContain(job.title[language]);
      expect(screen.buttons()).toContain(label(language, "jobs:save"));
    });
});
