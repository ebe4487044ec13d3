import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChannelSenders } from "../../bots/channels/senders.ts";
import { kycModels } from "../../core/kyc/kyc-models.ts";
import { userModels } from "../../core/users/user-model.ts";
import { attachWorkers } from "../../jobs/runtime/create-runtime.ts";
import { sandboxClient, type Persona } from "../helpers/sandbox-client.ts";
import { buildTestApp, testConfig, type TestApp } from "../helpers/test-runtime.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { findInClearAtRest } from "../helpers/at-rest-scan.ts";

let t: TestApp;
const { say, press, outbox } = sandboxClient(() => t);
const OWNER: Persona = { channel: "tg", id: "900000001", name: "Owner", language: "en" };
const FINANCE: Persona = { channel: "vb", id: "sbFinance01", name: "Daw Finance", language: "my" };
const ANN: Persona = { channel: "tg", id: "900000301", name: "Ann", language: "en" };
const KYAW: Persona = { channel: "vb", id: "sbKyaw0001", name: "Kyaw", language: "my" };

async function open(persona: Persona): Promise<string> {
  await say(persona, { kind: "start" });
  await say(persona, { kind: "button", data: `m:lang.${persona.language}` });
  return (await userModels(t.runtime.mongo).Identity.findById(`${persona.channel}:${persona.id}`).lean())?.userId ?? "";
}
async function verifiedWithBalance(userId: string, amount: number): Promise<void> {
  await kycModels(t.runtime.mongo).State.create({
    _id: userId,
    status: "approved",
    submissionId: null,
    attempts: 1,
    updatedAt: new Date(),
  });
  await t.bot.services.wallet.credit(userId, "available", amount, `seed:${userId}`, {
    code: "referral_bonus",
    params: { referral: "RSEED234", job: "JSEED23", level: 0 },
  });
}

beforeAll(async () => {
  t = await buildTestApp({
    config: testConfig({
      SANDBOX: "true",
      ADMIN_TELEGRAM_IDS: OWNER.id,
      QUIET_HOURS: "off",
      PAYOUT_PROVIDER: "manual",
    }),
  });
  attachWorkers(t.runtime, t.core, createChannelSenders(t.runtime.config, t.runtime.redis));
});
afterAll(() => t.close());

describe("withdrawals in the sandbox", () => {
  it(
    "asks for KYC first; a verified person withdraws (English and " +
      "Burmese); finance approves and marks it paid, or rejects it",
    async () => {
      await open(OWNER);
      const financeId = await open(FINANCE);
      await say(OWNER, { kind: "text", text: `/grant ${financeId} finance` });
      const annId = await open(ANN);
      const kyawId = await open(KYAW);

      const gate = await say(ANN, { kind: "button", data: "m:payout" });
      expect(gate[0]?.text).toBe(
        "To withdraw, please verify your identity first (NRC and photos). It takes a few minutes.",
      );
      expect(gate[0]?.buttons.flat().map((button) => button.label)).toContain("🪪 Verify identity");

      await verifiedWithBalance(annId, 450_000);
      const wallet = await say(ANN, { kind: "text", text: "/wallet" });
      expect(wallet[0]?.text).toContain("Available: MMK 450,000");
      const amount = await press(ANN, wallet, "💸 Withdraw");
      expect(amount.at(-1)?.text).toContain("Available: MMK 450,000. From MMK 5,000 up to MMK 1,000,000.");
      expect((await say(ANN, { kind: "text", text: "5 lakh" })).at(-1)?.text).toBe(
        "You have MMK 450,000 available. Please type a smaller amount.",
      );
      const provider = await say(ANN, { kind: "text", text: "3 lakh" });
      expect(provider.map((item) => item.text)).toContain("Amount: MMK 300,000");
      const phone = await press(ANN, provider, "WavePay");
      expect(phone.at(-1)?.text).toBe("The WavePay wallet's phone number (09…):");
      const confirm = await say(ANN, { kind: "text", text: "09 7900 11223" });
      expect(confirm.at(-1)?.text).toContain("Amount: MMK 300,000\nTo: WavePay +959790011223");
      const requested = await press(ANN, confirm, "✅ Confirm withdrawal");
      expect(requested[0]?.text).toMatch(/^Withdrawal P\w+ of MMK 300,000 is requested\./);
      // The same confirm again (a double tap on a stale message) does not make a second request.
      await say(ANN, { kind: "button", data: confirm.at(-1)?.buttons[0]?.[0]?.data ?? "" });
      expect(await t.bot.services.wallet.balances(annId)).toMatchObject({ available: 150_000, held: 300_000 });
      // The wallet tells what happened in words, once per movement (not its two bookkeeping legs).
      const latest = (await say(ANN, { kind: "text", text: "/wallet" }))[0]?.text ?? "";
      expect(latest).toMatch(/· MMK 300,000 set aside for your withdrawal P\w+\n?/);
      expect(latest).not.toMatch(/· held|· available ·/);

      await verifiedWithBalance(kyawId, 80_000);
      await say(KYAW, { kind: "text", text: "/withdraw" });
      await say(KYAW, { kind: "text", text: "၅၀,၀၀၀" });
      const kyawProvider = await outbox(KYAW);
      await press(KYAW, kyawProvider, "KBZPay");
      const kyawConfirm = await say(KYAW, { kind: "text", text: "၀၉၄၂၀၁၁၁၂၂၂" });
      expect(kyawConfirm.at(-1)?.text).toContain("ပမာဏ: ၅၀,၀၀၀ ကျပ်");
      await press(KYAW, kyawConfirm, "✅ ငွေထုတ်ရန် အတည်ပြုမယ်");

      // Finance hears of both, reviews in Burmese on Viber.
      await waitFor(
        async () => (await outbox(FINANCE)).filter((item) => item.text.startsWith("💸 ငွေထုတ်ယူမှုအသစ်")).length === 2,
      );
      const queue = await say(FINANCE, { kind: "text", text: "/payouts" });
      expect(queue[0]?.text).toMatch(/^ဆုံးဖြတ်ရန် သို့မဟုတ် ပေးချေရန် ငွေထုတ်ယူမှုများ၊ အဟောင်းဆုံးမှ စ၍ \(၂\):/);
      const first = await press(FINANCE, queue, /၃၀၀,၀၀၀ ကျပ်$/);
      expect(first[0]?.text).toContain("WavePay +959790011223");
      const approved = await press(FINANCE, first, "✅ အတည်ပြုရန်");
      expect(approved[0]?.text).toMatch(/^P\w+ အတည်ပြုပြီး။/);
      const csv = await say(FINANCE, { kind: "text", text: "/payouts csv" });
      expect(csv[0]?.text).toContain("အတည်ပြုပြီး ငွေထုတ်မှုများ: အတန်း ၁ (CSV)");
      // The export waits in Redis for its link's life, sealed: no wallet phone rests there in clear.
      const links = await t.runtime.redis.keys(`${t.runtime.config.redis.prefix}:media-link:*`);
      const values = await Promise.all(links.map((key) => t.runtime.redis.get(key)));
      expect(values.some((value) => value?.includes("sealed") === true)).toBe(true);
      expect(values.filter((value) => value?.includes("959790011223") === true)).toEqual([]);
      const token =
        links
          .find((_, index) => values[index]?.includes("sealed") === true)
          ?.split(":")
          .at(-1) ?? "";
      const download = await t.app.inject({ method: "GET", url: `/media/${token}` });
      expect(download.statusCode).toBe(200);
      expect(download.body).toContain("959790011223");
      // Nor anywhere else outside the database: conversations, queued notices to finance, the file store.
      // The sandbox's outbox is the simulated messenger's chat history (on a real channel the message
      // rests with Telegram or Viber, and the sandbox is refused in production), so it is not ours to scan.
      const { redis, config } = t.runtime;
      const phones = ["9790011223", "7900 11223", "9420111222", "၀၉၄၂၀၁၁၁၂၂၂"];
      const sandboxOutbox = /:sandbox:outbox:/;
      const scan = await findInClearAtRest(redis, config.redis.prefix, config.storageDir, phones, sandboxOutbox);
      expect(scan.redisKeys).toBeGreaterThan(10);
      expect(scan.found).toEqual([]);

      const second = await press(FINANCE, await say(FINANCE, { kind: "text", text: "/payouts" }), /၅၀,၀၀၀ ကျပ်$/);
      const reasons = await press(FINANCE, second, "✖️ ပယ်ရန်");
      await press(FINANCE, reasons, "ပိုက်ဆံအိတ်နံပါတ် မမှန်");
      await waitFor(async () =>
        (await outbox(KYAW)).some((item) => item.text.includes("ပိုက်ဆံအိတ်နံပါတ် မမှန်") && item.text.includes("ပြန်ထည့်ပြီးပါပြီ")),
      );
      expect(await t.bot.services.wallet.balances(kyawId)).toMatchObject({ available: 80_000, held: 0 });

      // Ann's approved payout is paid from the provider's app; finance records its transaction id.
      const toPay = await press(FINANCE, await say(FINANCE, { kind: "text", text: "/payouts" }), /၃၀၀,၀၀၀ ကျပ်$/);
      const askTxn = await press(FINANCE, toPay, "💰 ပေးချေပြီး");
      expect(askTxn.at(-1)?.text).toBe("ဒီငွေပေးချေမှုရဲ့ ဝန်ဆောင်မှု ငွေလွှဲအမှတ် ရိုက်ပါ:");
      expect((await say(FINANCE, { kind: "text", text: "x" })).at(-1)?.text).toContain("ငွေလွှဲအမှတ်က");
      await say(FINANCE, { kind: "text", text: "WAVE-2026-000123" });
      await waitFor(async () =>
        (await outbox(ANN)).some((item) =>
          /^💰 Your withdrawal P\w+ of MMK 300,000 is paid\. Reference: WAVE-2026-000123\.$/.test(item.text),
        ),
      );
      expect(await t.bot.services.wallet.balances(annId)).toMatchObject({
        available: 150_000,
        held: 0,
        paidout: 300_000,
      });
    },
  );
});
