import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../core/config/load-config.ts";
import type { InvoiceDoc } from "../../core/payments/invoice-service.ts";
import { EventHub } from "../../core/events/event-hub.ts";
import { PaymentLinks } from "../../core/payments/payment-links.ts";
import { kbzSign, kbzVerify } from "../../core/payments/signatures/kbzpay-signature.ts";
import { FakeGateways } from "../fakes/fake-gateways.ts";

let gateways: FakeGateways;
const KEY = "links-kbz-key";
const invoice = (gateway: InvoiceDoc["gateway"]): InvoiceDoc => ({
  _id: "INVR2345678",
  companyId: "C001",
  referralId: "R2345678",
  jobId: "J234567",
  bonus: 100_000,
  fee: 20_000,
  amount: 120_000,
  currency: "MMK",
  gateway,
  status: "pending",
  lastGatewayStatus: null,
  gatewayRef: null,
  kbzQr: null,
  byQr: false,
  createdAt: new Date(),
  dueAt: new Date(),
  paidAt: null,
});

function config() {
  return loadConfig({
    NODE_ENV: "production",
    MONGODB_URI: "mongodb://127.0.0.1:1/x",
    REDIS_URL: "redis://127.0.0.1:1",
    ENCRYPTION_KEY: `k1:${Buffer.alloc(32, 1).toString("base64")}`,
    STORAGE_DIR: "/tmp/x",
    METRICS_TOKEN: "metrics-token-0123456789",
    PUBLIC_URL: "https://trm.example",
    KBZPAY_API_ROOT: `${gateways.url}/kbz`,
    KBZPAY_APP_ID: "kp0123456789abcdef0123456789abcd",
    KBZPAY_MERCH_CODE: "200001",
    KBZPAY_APP_KEY: KEY,
    WAVEPAY_API_ROOT: `${gateways.url}/wave`,
    WAVEPAY_MERCHANT_ID: "wavemerchant",
    WAVEPAY_SECRET: "wave-secret",
  });
}

beforeAll(async () => {
  gateways = await new FakeGateways(KEY).start();
});
afterAll(() => gateways.stop());

describe("payment links from the company's gateway", () => {
  it("KBZPay: a signed precreate (PWAAPP), then the PWA checkout URL signed over its five fields", async () => {
    const cfg = config();
    const link = await new PaymentLinks({
      gateways: cfg.gateways,
      publicUrl: cfg.http.publicUrl,
      sandbox: false,
      events: new EventHub(),
    }).create(invoice("kbzpay"));
    const sent = gateways.created.at(-1) ?? {};
    expect(kbzVerify(sent, KEY)).toBe(true);
    expect(sent).toMatchObject({
      method: "kbz.payment.precreate",
      version: "1.0",
      notify_url: "https://trm.example/webhooks/kbzpay",
      biz_content: {
        merch_order_id: "INVR2345678",
        trade_type: "PWAAPP",
        total_amount: "120000",
        trans_currency: "MMK",
      },
    });
    const url = new URL(link.replace("#/?", "?"));
    expect(link.startsWith("https://wap.kbzpay.com/pgw/pwa/#/?")).toBe(true);
    const fields = Object.fromEntries(url.searchParams);
    expect(fields.prepay_id).toBe("KBZ007PREPAYINVR2345678");
    const { sign, ...signed } = fields;
    expect(sign).toBe(kbzSign(signed, KEY));
    expect(Object.keys(signed).sort()).toEqual(["appid", "merch_code", "nonce_str", "prepay_id", "timestamp"]);
  });

  it("KBZPay by QR: precreate with PAY_BY_QRCODE keeps the MMQR string for the invoice's QR page", async () => {
    const cfg = config();
    const events = new EventHub();
    const links = new PaymentLinks({ gateways: cfg.gateways, publicUrl: cfg.http.publicUrl, sandbox: false, events });
    const kept: string[] = [];
    events.on("invoice.qr_issued", ({ invoiceId, qr }) => void kept.push(`${invoiceId}=${qr}`));
    expect(await links.create({ ...invoice("kbzpay"), byQr: true })).toBe("https://trm.example/pay/kbzpay/INVR2345678");
    expect(gateways.created.at(-1)).toMatchObject({ biz_content: { trade_type: "PAY_BY_QRCODE" } });
    expect(kept).toEqual(["INVR2345678=00020101021226MMQRSAMPLEINVR2345678"]);
  });

  it("WavePay: a create-payment form with its hash, then the authenticate URL without the API port", async () => {
    const cfg = config();
    const link = await new PaymentLinks({
      gateways: cfg.gateways,
      publicUrl: cfg.http.publicUrl,
      sandbox: false,
      events: new EventHub(),
    }).create(invoice("wavepay"));
    const sent = gateways.created.at(-1) ?? {};
    expect(sent.hash).toBe(
      createHmac("sha256", "wave-secret")
        .update("600wavemerchantINVR2345678120000https://trm.example/webhooks/wavepayINVR2345678")
        .digest("hex"),
    );
    expect(link).toBe(`http://127.0.0.1/authenticate?transaction_id=WAVETX-INVR2345678`);
  });

  it(
    "AYA Pay: our own page that posts the 14 fields and their " +
      "checksum; the sandbox uses its own page for every gateway",
    async () => {
      const cfg = config();
      expect(
        await new PaymentLinks({
          gateways: cfg.gateways,
          publicUrl: cfg.http.publicUrl,
          sandbox: false,
          events: new EventHub(),
        }).create(invoice("ayapay")),
      ).toBe("https://trm.example/pay/ayapay/INVR2345678");
      expect(
        await new PaymentLinks({
          gateways: cfg.gateways,
          publicUrl: undefined,
          sandbox: true,
          events: new EventHub(),
        }).create(invoice("kbzpay")),
      ).toBe("/sandbox/pay/INVR2345678");
    },
  );
});
