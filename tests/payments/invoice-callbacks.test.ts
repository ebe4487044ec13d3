import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notificationModel } from "../../core/notifications/notification-service.ts";
import type { BotServices } from "../../bots/engine/services.ts";
import { decisionModel } from "../../core/decisions/decision-store.ts";
import { seedDemoCatalog } from "../../core/demo/seed-catalog.ts";
import { callbackModel } from "../../core/payments/callback-intake.ts";
import { invoiceModel, type Gateway, type InvoiceDoc } from "../../core/payments/invoice-service.ts";
import { ledgerModels } from "../../core/wallet/ledger.ts";
import { signedCallback, type SandboxOutcome } from "../../webhooks/sandbox-gateway/signed-callbacks.ts";
import { FakeGateways } from "../fakes/fake-gateways.ts";
import { reconcileInvoices } from "../../core/payments/reconciliation.ts";
import { ayaChecksum } from "../../core/payments/signatures/ayapay-signature.ts";
import { GatewayStatusQuery } from "../../core/payments/status-query.ts";
import type { TestApp } from "../helpers/test-runtime.ts";
import { billingApp, hireAt, KBZ_KEY } from "../helpers/billing.ts";

let t: TestApp;
let s: BotServices;
let gateways: FakeGateways;

const RECRUITER = { userId: "URECRUIT", as: "recruiter" as const };
const hire = (gateway: Gateway): Promise<InvoiceDoc> => hireAt(t, gateway);

const post = (gateway: Gateway, payload: string) =>
  t.app.inject({
    method: "POST",
    url: `/webhooks/${gateway}`,
    headers: { "content-type": "application/json" },
    payload,
  });
const callback = (invoice: InvoiceDoc, outcome: SandboxOutcome, amount?: string) =>
  signedCallback(invoice.gateway, invoice, outcome, t.runtime.config.gateways, amount);

beforeAll(async () => {
  gateways = await new FakeGateways(KBZ_KEY).start();
  t = await billingApp(gateways, { INVOICE_FEE_PERCENT: "20" });
  s = t.bot.services;
  await seedDemoCatalog(t.runtime.mongo, new Date());
  await s.catalog.refresh();
});
afterAll(async () => {
  await t.close();
  await gateways.stop();
});

async function referrerOf(invoice: InvoiceDoc): Promise<string> {
  return (await s.referrals.find(invoice.referralId))?.referrerId ?? "";
}

describe("invoices", () => {
  it(
    "a hire at a company that pays per hire gets one invoice: " +
      "bonus plus the platform fee, through the company's gateway",
    async () => {
      const invoice = await hire("kbzpay");
      expect(invoice).toMatchObject({
        _id: `INV${invoice.referralId}`,
        status: "pending",
        currency: "MMK",
        gateway: "kbzpay",
        amount: invoice.bonus + Math.ceil(invoice.bonus * 0.2),
      });
      expect(invoice._id).toMatch(/^[A-Za-z0-9_]{1,40}$/);
      // Moving it to hired again changes nothing.
      await s.referrals.move(invoice.referralId, "hired", RECRUITER);
      expect(await invoiceModel(t.runtime.mongo).countDocuments({ referralId: invoice.referralId })).toBe(1);
    },
  );
});

describe("gateway callbacks", () => {
  it.each(["kbzpay", "wavepay", "ayapay"] as const)(
    "%s: a valid paid callback settles the invoice once and makes the rewards available",
    async (gateway) => {
      const invoice = await hire(gateway);
      gateways.paid.set(invoice._id, invoice.amount);
      const referrer = await referrerOf(invoice);
      expect(await s.wallet.balances(referrer)).toMatchObject({ pending: invoice.bonus, available: 0 });
      const response = await post(gateway, callback(invoice, "paid"));
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe({ kbzpay: "success", wavepay: "", ayapay: "OK" }[gateway]);
      expect(await invoiceModel(t.runtime.mongo).findById(invoice._id).lean()).toMatchObject({ status: "paid" });
      expect(await s.wallet.balances(referrer)).toMatchObject({ pending: 0, available: invoice.bonus });
    },
  );

  it(
    "refuses a tampered or wrongly keyed callback, and a correctly signed " +
      "one with the wrong amount; nothing changes and each is stored with why",
    async () => {
      const invoice = await hire("kbzpay");
      gateways.paid.set(invoice._id, invoice.amount);
      const good = callback(invoice, "paid");
      const tampered = good.replace(`"total_amount":"${invoice.amount}"`, `"total_amount":"${invoice.amount - 1}"`);
      expect((await post("kbzpay", tampered)).json()).toMatchObject({ error: { code: "bad_signature" } });
      expect((await post("kbzpay", tampered)).statusCode).toBe(401);
      const wrongKey = signedCallback("kbzpay", invoice, "paid", {
        ...t.runtime.config.gateways,
        kbzpay: { ...t.runtime.config.gateways.kbzpay, appKey: "other" },
      });
      expect((await post("kbzpay", wrongKey)).statusCode).toBe(401);
      const wrongAmount = await post("kbzpay", callback(invoice, "paid", String(invoice.amount - 1_000)));
      expect(wrongAmount.statusCode).toBe(409);
      expect(wrongAmount.json()).toMatchObject({
        error: { code: "amount_mismatch", details: { expected: invoice.amount } },
      });
      expect((await post("kbzpay", "{not json")).statusCode).toBe(400);
      expect((await post("kbzpay", JSON.stringify({ Request: { merch_order_id: "INVRXXXXXXX" } }))).statusCode).toBe(
        401,
      );
      expect(await invoiceModel(t.runtime.mongo).findById(invoice._id).lean()).toMatchObject({ status: "pending" });
      const outcomes = (await callbackModel(t.runtime.mongo).find().lean()).map((entry) => entry.outcome);
      expect(outcomes).toEqual(
        expect.arrayContaining(["refused:bad_signature", "refused:amount_mismatch", "refused:malformed_callback"]),
      );
      // An amount sent as 150000.00 is the same money; the signature covers that text.
      expect((await post("kbzpay", callback(invoice, "paid", `${invoice.amount}.00`))).statusCode).toBe(200);
    },
  );

  it("KBZ and AYA settle only after the gateway's status query confirms", async () => {
    const invoice = await hire("ayapay");
    const first = await post("ayapay", callback(invoice, "paid"));
    expect(first.statusCode).toBe(503);
    expect(first.json()).toMatchObject({ error: { code: "not_confirmed" } });
    expect(await invoiceModel(t.runtime.mongo).findById(invoice._id).lean()).toMatchObject({ status: "pending" });
    gateways.paid.set(invoice._id, invoice.amount);
    expect((await post("ayapay", callback(invoice, "paid"))).statusCode).toBe(200);
    expect(gateways.queries.filter((query) => query.orderId === invoice._id)).toHaveLength(2);
  });

  it("the same callback replayed 100 times, concurrently, settles once and releases once", async () => {
    const invoice = await hire("kbzpay");
    gateways.paid.set(invoice._id, invoice.amount);
    const body = callback(invoice, "paid");
    const responses = await Promise.all(Array.from({ length: 100 }, () => post("kbzpay", body)));
    expect(responses.every((response) => response.statusCode === 200 && response.body === "success")).toBe(true);
    expect(await decisionModel(t.runtime.mongo).countDocuments({ _id: `invoice:${invoice._id}:paid` })).toBe(1);
    const referrer = await referrerOf(invoice);
    expect(await s.wallet.balances(referrer)).toMatchObject({ pending: 0, available: invoice.bonus });
    expect(await ledgerModels(t.runtime.mongo).Entry.countDocuments({ txKey: `release:${invoice.referralId}:0` })).toBe(
      1,
    );
  });

  it(
    "WavePay: INSUFFICIENT_BALANCE then PAYMENT_CONFIRMED " +
      "settles; a late scheduler time-out does not downgrade it",
    async () => {
      const invoice = await hire("wavepay");
      expect((await post("wavepay", callback(invoice, "pending"))).statusCode).toBe(200);
      expect(await invoiceModel(t.runtime.mongo).findById(invoice._id).lean()).toMatchObject({
        status: "pending",
        lastGatewayStatus: "INSUFFICIENT_BALANCE",
      });
      expect((await post("wavepay", callback(invoice, "paid"))).statusCode).toBe(200);
      expect((await post("wavepay", callback(invoice, "late_timeout"))).statusCode).toBe(200);
      expect(await invoiceModel(t.runtime.mongo).findById(invoice._id).lean()).toMatchObject({
        status: "paid",
        lastGatewayStatus: "PAYMENT_CONFIRMED",
      });
    },
  );

  it("a failed payment attempt on an open invoice is told to finance once, with the working link", async () => {
    const finance = await t.core.users.resolve({
      channel: "tg",
      externalId: "7799001",
      transport: "telegram",
      profile: { name: "Finance" },
    });
    await t.core.users.setRoles(finance.user._id, ["finance"]);
    const invoice = await hire("wavepay");
    for (let i = 0; i < 2; i++) expect((await post("wavepay", callback(invoice, "failed"))).statusCode).toBe(200);
    const notices = await notificationModel(t.runtime.mongo)
      .find({ _id: { $regex: `^invoice:${invoice._id}:failed:` }, userId: finance.user._id })
      .lean();
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text.en).toContain(`A payment attempt for invoice ${invoice._id}`);
    expect(notices[0]?.text.en).toContain("(status TRANSACTION_TIMED_OUT). The invoice is still open");
    expect(await invoiceModel(t.runtime.mongo).findById(invoice._id).lean()).toMatchObject({ status: "pending" });
  });

  it("a payment cut off by a crash is finished: by the repeat callback, the sweeper or the expiry", async () => {
    // The paid decision is recorded, then the process dies before the invoice, the rewards and the receipt follow.
    const crash = (invoice: InvoiceDoc) =>
      decisionModel(t.runtime.mongo).create({
        _id: `invoice:${invoice._id}:paid`,
        at: new Date(),
        meta: { gateway: invoice.gateway, ref: `REF${invoice._id}`, status: "PAYMENT_CONFIRMED" },
      });
    const receipts = (invoice: InvoiceDoc) =>
      notificationModel(t.runtime.mongo).countDocuments({ _id: { $regex: `^invoice:${invoice._id}:receipt:` } });
    const settled = async (invoice: InvoiceDoc) => {
      expect(await invoiceModel(t.runtime.mongo).findById(invoice._id).lean()).toMatchObject({
        status: "paid",
        gatewayRef: `REF${invoice._id}`,
      });
      expect(await s.wallet.balances(await referrerOf(invoice))).toMatchObject({
        pending: 0,
        available: invoice.bonus,
      });
      expect(await receipts(invoice)).toBeGreaterThan(0);
    };
    // 1. The gateway repeats its callback: answered as paid, and the invoice really is paid now.
    const repeated = await hire("wavepay");
    await crash(repeated);
    expect(await s.invoices.unpaid(100)).toContainEqual(expect.objectContaining({ _id: repeated._id }));
    expect((await post("wavepay", callback(repeated, "paid"))).statusCode).toBe(200);
    await settled(repeated);
    const sent = await receipts(repeated);
    // 2. Nobody repeats anything: the sweeper finds it among the unpaid invoices, a page at a time.
    const swept = await hire("kbzpay");
    await crash(swept);
    expect(await s.invoices.finishStuck(1)).toEqual([swept._id]);
    await settled(swept);
    expect(await s.invoices.finishStuck()).toEqual([]);
    // 3. Reconciliation finds it overdue: it is finished, never expired.
    const overdue = await hire("ayapay");
    await crash(overdue);
    await s.invoices.expire(overdue._id);
    await settled(overdue);
    // Finishing again changes nothing and tells nobody twice.
    await s.invoices.finish(repeated._id);
    expect(await receipts(repeated)).toBe(sent);
    expect(await s.wallet.balances(await referrerOf(repeated))).toMatchObject({ available: repeated.bonus });
  });

  it(
    "reconciliation settles an invoice whose callback never came, " +
      "expires an overdue unpaid one, and lists WavePay ones for a manual check",
    async () => {
      const lost = await hire("kbzpay");
      const overdue = await hire("ayapay");
      const wave = await hire("wavepay");
      const old = new Date(Date.now() - 40 * 60_000);
      await invoiceModel(t.runtime.mongo).updateMany(
        { _id: { $in: [lost._id, overdue._id, wave._id] } },
        { $set: { createdAt: old } },
      );
      await invoiceModel(t.runtime.mongo).updateOne({ _id: overdue._id }, { $set: { dueAt: old } });
      gateways.paid.set(lost._id, lost.amount);
      const report = await reconcileInvoices(s.invoices, new GatewayStatusQuery(t.runtime.config.gateways), new Date());
      expect(report.settled).toEqual([lost._id]);
      expect(report.expired).toEqual([overdue._id]);
      expect(report.manual).toContain(wave._id);
      expect(await invoiceModel(t.runtime.mongo).findById(lost._id).lean()).toMatchObject({
        status: "paid",
        gatewayRef: `KBZQ${lost._id}`,
      });
      expect(await s.wallet.balances(await referrerOf(lost))).toMatchObject({ pending: 0, available: lost.bonus });
      // A payment that still arrives for the expired one settles it.
      gateways.paid.set(overdue._id, overdue.amount);
      expect((await post("ayapay", callback(overdue, "paid"))).statusCode).toBe(200);
      expect(await invoiceModel(t.runtime.mongo).findById(overdue._id).lean()).toMatchObject({ status: "paid" });
    },
  );

  it("AYA's hosted checkout: our page posts the 14 fields and their checksum to AYA", async () => {
    const invoice = await hire("ayapay");
    const page = await t.app.inject({ method: "GET", url: `/pay/ayapay/${invoice._id}` });
    expect(page.statusCode).toBe(200);
    const fields = [...page.body.matchAll(/name="(\w+)" value="([^"]*)"/g)].map(
      (match) => [match[1] ?? "", match[2] ?? ""] as const,
    );
    expect(fields.map(([name]) => name)).toEqual([
      "merchOrderId",
      "amount",
      "appKey",
      "timestamp",
      "userRef1",
      "userRef2",
      "userRef3",
      "userRef4",
      "userRef5",
      "description",
      "currencyCode",
      "channel",
      "method",
      "overrideFrontendRedirectUrl",
      "checkSum",
    ]);
    const values = fields.slice(0, 14).map(([, value]) => value);
    expect(fields[14]?.[1]).toBe(ayaChecksum(values, t.runtime.config.gateways.ayapay.appSecret ?? ""));
    expect(page.body).toContain(`action="${gateways.url}/aya/v1/payment/request"`);
  });

  it("a KBZPay QR invoice has a page with its MMQR code as a QR image", async () => {
    const invoice = await hire("kbzpay");
    expect((await t.app.inject({ method: "GET", url: `/pay/kbzpay/${invoice._id}` })).statusCode).toBe(404);
    await s.invoices.setKbzQr(invoice._id, "00020101021226MMQRTEST");
    const page = await t.app.inject({ method: "GET", url: `/pay/kbzpay/${invoice._id}` });
    expect(page.body).toContain(`src="/pay/kbzpay/${invoice._id}/qr.png"`);
    const png = await t.app.inject({ method: "GET", url: `/pay/kbzpay/${invoice._id}/qr.png` });
    expect(png.headers["content-type"]).toBe("image/png");
    expect(png.rawPayload.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(
      true,
    );
  });

  it("the sandbox gateway page pays an invoice through the real verification path", async () => {
    const invoice = await hire("wavepay");
    const page = await t.app.inject({ method: "GET", url: `/sandbox/pay/${invoice._id}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`Invoice ${invoice._id}`);
    const paid = await t.app.inject({
      method: "POST",
      url: `/sandbox/pay/${invoice._id}/pay`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "",
    });
    expect(paid.statusCode).toBe(200);
    expect(paid.body).toContain("Paid");
    expect(await invoiceModel(t.runtime.mongo).findById(invoice._id).lean()).toMatchObject({ status: "paid" });
    expect((await t.app.inject({ method: "GET", url: "/sandbox/pay/INVNOPE0000" })).statusCode).toBe(404);
  });
});
