import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChannelSenders } from "../../bots/channels/senders.ts";
import { seedDemoCatalog } from "../../core/demo/seed-catalog.ts";
import { kycModels } from "../../core/kyc/kyc-models.ts";
import { userModels } from "../../core/users/user-model.ts";
import { RECONCILE_QUEUE } from "../../jobs/payments/reconcile-job.ts";
import { attachWorkers } from "../../jobs/runtime/create-runtime.ts";
import { sandboxClient, type Persona } from "../helpers/sandbox-client.ts";
import { buildTestApp, testConfig, type TestApp } from "../helpers/test-runtime.ts";
import { waitFor } from "../helpers/wait-for.ts";

let t: TestApp;
const { say, press, outbox } = sandboxClient(() => t);
const OWNER: Persona = { channel: "tg", id: "900000001", name: "Owner", language: "en" };
const FINANCE: Persona = { channel: "vb", id: "sbStoryFin01", name: "Daw Finance", language: "my" };
const INV: Persona = { channel: "vb", id: "sbStoryInv01", name: "Ko Inviter", language: "my" };
const ANN: Persona = { channel: "tg", id: "900000401", name: "Ann", language: "en" };
const idOf = async (persona: Persona) =>
  (await userModels(t.runtime.mongo).Identity.findById(`${persona.channel}:${persona.id}`).lean())?.userId ?? "";

async function open(persona: Persona, payload?: string): Promise<string> {
  await say(persona, { kind: "start", ...(payload === undefined ? {} : { payload }) });
  await say(persona, { kind: "button", data: `m:lang.${persona.language}` });
  return idOf(persona);
}

beforeAll(async () => {
  t = await buildTestApp({
    config: testConfig({
      SANDBOX: "true",
      ADMIN_TELEGRAM_IDS: OWNER.id,
      QUIET_HOURS: "off",
      REWARDS_RELEASE: "invoice",
      PAYOUT_PROVIDER: "manual",
    }),
  });
  attachWorkers(t.runtime, t.core, createChannelSenders(t.runtime.config, t.runtime.redis));
  await seedDemoCatalog(t.runtime.mongo, new Date());
  await t.bot.services.catalog.refresh();
});
afterAll(() => t.close());

describe("from a hire to money in the wallet, in the sandbox", () => {
  it(
    "hire → invoice → paid on the sandbox gateway page → rewards " +
      "available → withdrawal → finance marks it paid (English and Burmese)",
    async () => {
      await open(OWNER);
      const financeId = await open(FINANCE);
      await say(OWNER, { kind: "text", text: `/grant ${financeId} finance` });
      const invId = await open(INV);
      const annId = await open(ANN, invId);

      // Ann refers a candidate to a demo job; the owner (a recruiter too) moves it to hired.
      await say(ANN, { kind: "text", text: "/jobs" });
      const results = await say(ANN, { kind: "text", text: "cashier" });
      const job = await press(ANN, results, /^1\. /);
      await press(ANN, job, /^🤝 Refer a candidate/);
      await say(ANN, { kind: "text", text: "Ma Hla" });
      const askCv = await say(ANN, { kind: "text", text: "09 9777 55555" });
      const relation = await press(ANN, askCv, "⏭ Skip");
      const consent = await press(ANN, relation, "Friend");
      const summary = await press(ANN, consent, "✅ Yes");
      const done = await press(ANN, summary, "✅ Confirm");
      const ref = /referral number is (R\w{7})/.exec(done.map((item) => item.text).join("\n"))?.[1] ?? "";
      let view = await say(OWNER, { kind: "text", text: `/referrals ${ref}` });
      const steps = ["🔎 Screening", "🗣 Interview", "📄 Offer", "🎉 Hired"];
      for (const step of steps) view = await press(OWNER, view, step);

      // The invoice reaches finance (no company contact linked), in Burmese, with the sandbox gateway link.
      await waitFor(async () => (await outbox(FINANCE)).some((item) => item.text.startsWith("🧾")));
      const invoiceText = (await outbox(FINANCE)).find((item) => item.text.startsWith("🧾"))?.text ?? "";
      const link = /(\/sandbox\/pay\/INV\w{8})/.exec(invoiceText)?.[1] ?? "";
      expect(link).not.toBe("");
      expect((await t.app.inject({ method: "GET", url: link })).body).toContain("Pay · ပေးချေရန်");
      const paid = await t.app.inject({
        method: "POST",
        url: `${link}/pay`,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        payload: "",
      });
      expect(paid.body).toContain("Paid");

      // Rewards become available; Ann and her inviter hear it in their languages; finance gets the receipt.
      await waitFor(async () =>
        (await outbox(ANN)).some((item) => item.text.startsWith("💰 MMK") && item.text.includes("is now available")),
      );
      await waitFor(async () =>
        (await outbox(INV)).some((item) => item.text.startsWith("💰") && item.text.includes("ထုတ်ယူနိုင်ပါပြီ")),
      );
      await waitFor(async () => (await outbox(FINANCE)).some((item) => item.text.startsWith("✅ ပြေစာ")));
      const available = (await t.bot.services.wallet.balances(annId)).available;
      expect(available).toBeGreaterThan(0);

      // KYC is done elsewhere in the sandbox (tests/kyc/sandbox-kyc.test.ts); here it is recorded as approved.
      await kycModels(t.runtime.mongo).State.create({
        _id: annId,
        status: "approved",
        submissionId: null,
        attempts: 1,
        updatedAt: new Date(),
      });
      const wallet = await say(ANN, { kind: "text", text: "/wallet" });
      await press(ANN, wallet, "💸 Withdraw");
      const providers = await say(ANN, { kind: "text", text: String(available) });
      await press(ANN, providers, "KBZPay");
      const confirm = await say(ANN, { kind: "text", text: "09 420 111 222" });
      await press(ANN, confirm, "✅ Confirm withdrawal");

      const queue = await say(FINANCE, { kind: "text", text: "/payouts" });
      const payout = await press(FINANCE, queue, /^P\w+ · /);
      await press(FINANCE, payout, "✅ အတည်ပြုရန်");
      const toPay = await press(FINANCE, await say(FINANCE, { kind: "text", text: "/payouts" }), /^P\w+ · /);
      await press(FINANCE, toPay, "💰 ပေးချေပြီး");
      await say(FINANCE, { kind: "text", text: "KBZ-TXN-778899" });
      await waitFor(async () =>
        (await outbox(ANN)).some((item) => item.text.includes("is paid. Reference: KBZ-TXN-778899.")),
      );
      expect(await t.bot.services.wallet.balances(annId)).toMatchObject({ available: 0, held: 0, paidout: available });

      // Finance sees unpaid invoices and can run the reconciliation at once (a worker job).
      const unpaid = await say(OWNER, { kind: "text", text: "/invoices" });
      expect(unpaid[0]?.text).toBe("No unpaid invoices: every employer invoice is paid.");
      const check = await press(OWNER, unpaid, "🔄 Check with the gateways now");
      expect(check[0]?.text).toMatch(/^Checking with the gateways now\./);
      await waitFor(async () => (await t.runtime.queues.get(RECONCILE_QUEUE).getCompletedCount()) > 0);
    },
  );

  it(
    "finance sets how a company pays (gateway, invoice contact) " +
      "with /billing, audited; bad input is explained and changes nothing",
    async () => {
      const contactId = await idOf(ANN);
      expect((await say(OWNER, { kind: "text", text: "/billing C002 paypal" }))[0]?.text).toContain(
        "Usage: /billing <company id>",
      );
      expect((await say(OWNER, { kind: "text", text: "/billing C002 kbzpay U2222222" }))[0]?.text).toBe(
        "No user with the public id U2222222.",
      );
      expect((await say(OWNER, { kind: "text", text: "/billing C999 kbzpay" }))[0]?.text).toBe("No company C999.");
      const set = await say(OWNER, { kind: "text", text: `/billing c002 ayapay ${contactId.toLowerCase()}` });
      expect(set[0]?.text).toBe("Billing of C002 is updated.");
      expect(set[1]?.text).toContain(`C002 · `);
      expect(set[1]?.text).toContain(`AYA Pay → ${contactId}`);
      expect((await t.bot.services.catalog.findCompany("C002"))?.billing).toEqual({
        perHire: true,
        gateway: "ayapay",
        contactUserId: contactId,
      });
      await say(OWNER, { kind: "text", text: "/billing C002 off" });
      expect((await t.bot.services.catalog.findCompany("C002"))?.billing).toBeNull();
      const audited = await t.bot.services.audit.recent({ target: "C002" });
      expect(audited.map((entry) => entry.action)).toEqual(["company.billing", "company.billing"]);
      // Someone without the finance role: an unknown command.
      expect((await say(ANN, { kind: "text", text: "/billing C002 off" }))[0]?.text).toBe(
        "Sorry, I didn't understand that. Please choose from the menu, or tap Help.",
      );
    },
  );
});
