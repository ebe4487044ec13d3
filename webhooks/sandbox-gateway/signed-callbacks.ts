import { randomBytes } from "node:crypto";
import type { Config } from "../../core/config/load-config.ts";
import type { Gateway, InvoiceDoc } from "../../core/payments/invoice-service.ts";
import { ayaChecksum, ayaPayloadParts } from "../../core/payments/signatures/ayapay-signature.ts";
import { kbzSign } from "../../core/payments/signatures/kbzpay-signature.ts";
import { waveHash } from "../../core/payments/signatures/wavepay-signature.ts";

export type SandboxOutcome = "paid" | "failed" | "pending" | "late_timeout";

const WAVE_STATUS: Record<SandboxOutcome, string> = {
  paid: "PAYMENT_CONFIRMED",
  failed: "TRANSACTION_TIMED_OUT",
  pending: "INSUFFICIENT_BALANCE",
  late_timeout: "SCHEDULER_TRANSACTION_TIMED_OUT",
};

/**
 * A callback as each gateway would send it for an invoice, signed with that
 * gateway's real algorithm and the configured credentials: what the sandbox
 * gateway page posts to our own webhooks (and what tests send).
 */
export function signedCallback(
  gateway: Gateway,
  invoice: Pick<InvoiceDoc, "_id" | "amount">,
  outcome: SandboxOutcome,
  config: Config["gateways"],
  amountText = String(invoice.amount),
): string {
  const ref = randomBytes(6).toString("hex").toUpperCase();
  if (gateway === "kbzpay") {
    const fields: Record<string, unknown> = {
      appid: config.kbzpay.appId ?? "",
      notify_time: String(Math.floor(Date.now() / 1000)),
      merch_code: config.kbzpay.merchCode ?? "",
      merch_order_id: invoice._id,
      mm_order_id: `KBZ${ref}`,
      total_amount: amountText,
      trans_currency: "MMK",
      trade_status: outcome === "paid" ? "PAY_SUCCESS" : outcome === "pending" ? "WAIT_PAY" : "PAY_FAILED",
      trans_end_time: String(Math.floor(Date.now() / 1000)),
      nonce_str: randomBytes(16).toString("hex").toUpperCase(),
      sign_type: "SHA256",
    };
    fields.sign = kbzSign(fields, config.kbzpay.appKey ?? "");
    return JSON.stringify({ Request: fields });
  }
  if (gateway === "wavepay") {
    const fields: Record<string, unknown> = {
      status: WAVE_STATUS[outcome],
      merchantId: config.wavepay.merchantId ?? "",
      orderId: null,
      merchantReferenceId: invoice._id,
      frontendResultUrl: "https://trm.example/paid",
      backendResultUrl: "https://trm.example/webhooks/wavepay",
      initiatorMsisdn: "9790000001",
      amount: amountText,
      timeToLiveSeconds: "300",
      paymentDescription: `TRM ${invoice._id}`,
      currency: "MMK",
      transactionId: `WAVE${ref}`,
      paymentRequestId: `PR${ref}`,
      requestTime: new Date().toISOString().slice(0, 19),
    };
    fields.hashValue = waveHash(fields, config.wavepay.secret ?? "");
    // Numbers go out as JSON numbers, as Wave sends them; the hash covered their text.
    return JSON.stringify(fields)
      .replace(`"amount":"${amountText}"`, `"amount":${amountText}`)
      .replace('"timeToLiveSeconds":"300"', '"timeToLiveSeconds":300');
  }
  const payload = {
    merchOrderId: invoice._id,
    tranId: `AYA${ref}`,
    amount: amountText,
    currenyCode: "104",
    statusCode: outcome === "paid" ? "00" : outcome === "pending" ? "01" : "02",
    paymentMobileNumber: "09790000001",
    description: `TRM ${invoice._id}`,
    dateTime: new Date().toISOString().replace("T", " ").slice(0, 19),
  };
  return JSON.stringify({
    merchOrderId: invoice._id,
    payload: Buffer.from(JSON.stringify(payload)).toString("base64"),
    checkSum: ayaChecksum(ayaPayloadParts(payload), config.ayapay.appSecret ?? ""),
  });
}
