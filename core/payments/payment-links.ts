import { createHmac, randomBytes } from "node:crypto";
import { z } from "zod";
import type { Config } from "../config/load-config.ts";
import { AppError } from "../errors/app-error.ts";
import type { InvoiceDoc } from "./invoice-service.ts";
import { parseLosslessJson } from "./raw-json.ts";
import { kbzSign, kbzVerify } from "./signatures/kbzpay-signature.ts";
import type { EventHub } from "../events/event-hub.ts";

const record = z.record(z.string(), z.unknown());

/**
 * The link an employer opens to pay an invoice, from the company's gateway
 * (payments.md §1.3, §2.2, §3B): KBZPay `precreate` with `PWAAPP` and the
 * signed PWA checkout URL; WavePay `POST /payment` and its authenticate URL;
 * AYA's hosted checkout, a browser form post, served as our own auto-submitting
 * page. With the sandbox on, every gateway pays on the sandbox gateway page.
 */
export class PaymentLinks {
  private readonly gateways: Config["gateways"];
  private readonly publicUrl: string;
  private readonly sandbox: boolean;

  private readonly events: EventHub;

  constructor(options: {
    gateways: Config["gateways"];
    publicUrl: string | undefined;
    sandbox: boolean;
    events: EventHub;
  }) {
    this.gateways = options.gateways;
    this.publicUrl = (options.publicUrl ?? "").replace(/\/+$/, "");
    this.sandbox = options.sandbox;
    this.events = options.events;
  }

  /** Called with the MMQR string of a QR invoice, to keep it for its QR page. */

  async create(invoice: InvoiceDoc): Promise<string> {
    if (this.sandbox) return `${this.publicUrl}/sandbox/pay/${invoice._id}`;
    switch (invoice.gateway) {
      case "kbzpay":
        return this.kbz(invoice);
      case "wavepay":
        return this.wave(invoice);
      case "ayapay":
        return `${this.publicUrl}/pay/ayapay/${invoice._id}`;
    }
  }

  private async kbz(invoice: InvoiceDoc): Promise<string> {
    const { apiRoot, pwaUrl, appId, merchCode, appKey } = this.gateways.kbzpay;
    if (appId === undefined || merchCode === undefined || appKey === undefined)
      throw new AppError("gateway_not_configured", "KBZPay is not configured");
    const timestamp = String(Math.floor(Date.now() / 1000));
    const request: Record<string, unknown> = {
      timestamp,
      notify_url: `${this.publicUrl}/webhooks/kbzpay`,
      method: "kbz.payment.precreate",
      nonce_str: randomBytes(16).toString("hex").toUpperCase(),
      sign_type: "SHA256",
      version: "1.0",
      biz_content: {
        appid: appId,
        merch_code: merchCode,
        merch_order_id: invoice._id,
        trade_type: invoice.byQr ? "PAY_BY_QRCODE" : "PWAAPP",
        total_amount: String(invoice.amount),
        trans_currency: "MMK",
        title: `TRM ${invoice._id}`,
        timeout_express: "120m",
      },
    };
    request.sign = kbzSign(request, appKey);
    const response = await fetch(`${apiRoot}/precreate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ Request: request }),
      signal: AbortSignal.timeout(30_000),
    });
    const answer = record.safeParse(record.safeParse(parseLosslessJson(await response.text())).data?.Response);
    if (
      !answer.success ||
      answer.data.result !== "SUCCESS" ||
      typeof answer.data.prepay_id !== "string" ||
      !kbzVerify(answer.data, appKey)
    ) {
      throw new AppError("precreate_failed", "KBZPay did not create the order");
    }
    if (invoice.byQr) {
      // An MMQR (EMVCo) string any Myanmar bank app scans; shown as a QR image on our page.
      if (typeof answer.data.qrCode !== "string" || answer.data.qrCode === "")
        throw new AppError("precreate_failed", "KBZPay returned no QR code");
      await this.events.emit("invoice.qr_issued", { invoiceId: invoice._id, qr: answer.data.qrCode });
      return `${this.publicUrl}/pay/kbzpay/${invoice._id}`;
    }
    const link: Record<string, unknown> = {
      appid: appId,
      merch_code: merchCode,
      nonce_str: randomBytes(16).toString("hex").toUpperCase(),
      prepay_id: answer.data.prepay_id,
      timestamp,
    };
    const sign = kbzSign(link, appKey);
    return `${pwaUrl}?${Object.entries(link)
      .map(([name, value]) => `${name}=${encodeURIComponent(String(value))}`)
      .join("&")}&sign=${sign}`;
  }

  private async wave(invoice: InvoiceDoc): Promise<string> {
    const { apiRoot, merchantId, secret } = this.gateways.wavepay;
    if (merchantId === undefined || secret === undefined)
      throw new AppError("gateway_not_configured", "WavePay is not configured");
    const ttl = "600";
    const backend = `${this.publicUrl}/webhooks/wavepay`;
    const fields: Record<string, string> = {
      time_to_live_in_seconds: ttl,
      merchant_id: merchantId,
      order_id: invoice._id,
      merchant_reference_id: invoice._id,
      frontend_result_url: `${this.publicUrl}/paid`,
      backend_result_url: backend,
      amount: String(invoice.amount),
      payment_description: `TRM invoice ${invoice._id}`,
      merchant_name: "TRM",
      items: JSON.stringify([{ name: `Referral ${invoice.referralId}`, amount: invoice.amount }]),
    };
    fields.hash = createHmac("sha256", secret)
      .update(`${ttl}${merchantId}${invoice._id}${invoice.amount}${backend}${invoice._id}`)
      .digest("hex");
    const response = await fetch(`${apiRoot}/payment`, {
      method: "POST",
      headers: { accept: "application/json" },
      body: new URLSearchParams(fields),
      signal: AbortSignal.timeout(30_000),
    });
    const answer = record.safeParse(parseLosslessJson(await response.text()));
    const transaction = answer.success ? answer.data.transaction_id : undefined;
    if (!response.ok || typeof transaction !== "string")
      throw new AppError("create_payment_failed", `WavePay answered ${response.status}`);
    // The authenticate page is served without the API port (payments.md §2.1).
    const host = new URL(apiRoot);
    host.port = "";
    return `${host.origin}/authenticate?transaction_id=${encodeURIComponent(transaction)}`;
  }
}
