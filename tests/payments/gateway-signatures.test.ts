import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseLosslessJson } from "../../core/payments/raw-json.ts";
import { ayaChecksum, ayaPayloadParts, ayaVerify } from "../../core/payments/signatures/ayapay-signature.ts";
import { kbzSign, kbzSignBase, kbzVerify } from "../../core/payments/signatures/kbzpay-signature.ts";
import {
  waveHash,
  waveHashBase,
  waveVerify,
  WAVEPAY_HASHED_FIELDS,
} from "../../core/payments/signatures/wavepay-signature.ts";

const sha256Upper = (text: string) => createHash("sha256").update(text).digest("hex").toUpperCase();
const hmacLower = (key: string, text: string) => createHmac("sha256", key).update(text).digest("hex");

describe("KBZPay callback signature", () => {
  const APP_KEY = "kbz-app-key-123";
  // A callback as KBZ sends it: a Request object, a JSON number with a trailing zero, two fields the docs do not list.
  const body = (sign: string, amount = "1000.50") =>
    [
      `{"Request":{"appid":"kp123","notify_time":1536637503,"merch_code":"200001",`,
      `"merch_order_id":"TRM_INV_0001","mm_order_id":"0123456789","total_amount":${amount},`,
      `"trans_currency":"MMK","trade_status":"PAY_SUCCESS","trans_end_time":"1536637500",`,
      `"callback_info":"a=b&c=d","nonce_str":"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345","mmqr_ref":"Q1",`,
      `"Wallet_identifier":"KBZ","refund_info":[],"empty":"","sign_type":"SHA256","sign":"${sign}"}}`,
    ].join("");
  // Byte order puts the capitalised key first; raw values (not URL-encoded); arrays and empty values left out.
  const EXPECTED_BASE =
    "Wallet_identifier=KBZ&appid=kp123&callback_info=a=b&c=d&merch_code=200001&merch_order_id=TRM_INV_0001" +
    "&mm_order_id=0123456789&mmqr_ref=Q1&nonce_str=ABCDEFGHIJKLMNOPQRSTUVWXYZ012345&notify_time=1536637503" +
    "&total_amount=1000.50&trade_status=PAY_SUCCESS&trans_currency=MMK&trans_end_time=1536637500&key=kbz-app-key-123";
  const fields = (raw: string) => (parseLosslessJson(raw) as { Request: Record<string, unknown> }).Request;
  const signed = body(sha256Upper(EXPECTED_BASE));

  it("builds the documented base string and accepts a valid callback, upper or lower case", () => {
    expect(kbzSignBase(fields(signed), APP_KEY)).toBe(EXPECTED_BASE);
    expect(kbzVerify(fields(signed), APP_KEY)).toBe(true);
    expect(kbzVerify(fields(body(sha256Upper(EXPECTED_BASE).toLowerCase())), APP_KEY)).toBe(true);
    expect(kbzSign(fields(signed), APP_KEY)).toBe(sha256Upper(EXPECTED_BASE));
  });

  it("refuses each field tampered, a wrong key, and a missing or malformed sign", () => {
    const original = fields(signed);
    for (const name of Object.keys(original).filter(
      (key) => !["sign", "sign_type", "refund_info", "empty"].includes(key),
    )) {
      const tampered = { ...original, [name]: `${String(original[name])}x` };
      expect(kbzVerify(tampered, APP_KEY), name).toBe(false);
    }
    expect(kbzVerify(original, "another-key")).toBe(false);
    expect(kbzVerify({ ...original, sign: undefined }, APP_KEY)).toBe(false);
    expect(kbzVerify({ ...original, sign: "not hex" }, APP_KEY)).toBe(false);
    // An extra field KBZ adds later is signed too: adding one breaks an old signature.
    expect(kbzVerify({ ...original, new_field: "v" }, APP_KEY)).toBe(false);
  });

  it("keeps numbers as sent: 1000.50 parsed by JSON.parse would break the signature", () => {
    const plain = (JSON.parse(signed) as { Request: Record<string, unknown> }).Request;
    expect(kbzVerify(plain, APP_KEY)).toBe(false);
    expect(fields(signed).total_amount).toBe("1000.50");
  });
});

describe("WavePay callback hash", () => {
  const SECRET = "wave-secret";
  const callback = {
    status: "PAYMENT_CONFIRMED",
    merchantId: "testmerchantID",
    orderId: null,
    merchantReferenceId: "TRM-INV-0001",
    frontendResultUrl: "https://example.test/done",
    backendResultUrl: "https://example.test/webhooks/wavepay",
    initiatorMsisdn: "9791009039",
    amount: 150000,
    timeToLiveSeconds: 300,
    paymentDescription: "TRM invoice",
    currency: "MMK",
    additionalField1: null,
    transactionId: "T123",
    paymentRequestId: "P456",
    requestTime: "2026-11-22T15:38:56",
  };
  // status, timeToLiveSeconds, merchantId, orderId (null), amount, backendResultUrl, merchantReferenceId,
  // initiatorMsisdn, transactionId, paymentRequestId, requestTime.
  const EXPECTED_BASE =
    "PAYMENT_CONFIRMED300testmerchantIDnull150000https://example.test/webhooks/wavepay" +
    "TRM-INV-00019791009039T123P4562026-11-22T15:38:56";
  const raw = (hash: string, amount = "150000") =>
    JSON.stringify({ ...callback, hashValue: hash }).replace('"amount":150000', `"amount":${amount}`);

  it("hashes the 11 fields in order with null as the text null, and accepts lower or upper case", () => {
    const fields = parseLosslessJson(raw("x".repeat(64))) as Record<string, unknown>;
    expect(waveHashBase(fields)).toBe(EXPECTED_BASE);
    const good = parseLosslessJson(raw(hmacLower(SECRET, EXPECTED_BASE))) as Record<string, unknown>;
    expect(waveVerify(good, SECRET)).toBe(true);
    expect(waveVerify({ ...good, hashValue: String(good.hashValue).toUpperCase() }, SECRET)).toBe(true);
    expect(waveHash(good, SECRET)).toBe(hmacLower(SECRET, EXPECTED_BASE));
  });

  it("refuses each hashed field tampered and a wrong secret; other fields are not covered", () => {
    const good = parseLosslessJson(raw(hmacLower(SECRET, EXPECTED_BASE))) as Record<string, unknown>;
    for (const name of WAVEPAY_HASHED_FIELDS)
      expect(waveVerify({ ...good, [name]: `${String(good[name])}1` }, SECRET), name).toBe(false);
    expect(waveVerify(good, "other-secret")).toBe(false);
    expect(waveVerify({ ...good, paymentDescription: "changed" }, SECRET)).toBe(true);
  });

  it("keeps numbers as sent: an amount of 150000.0 is hashed as 150000.0", () => {
    const base = EXPECTED_BASE.replace("null150000", "null150000.0");
    const text = raw(hmacLower(SECRET, base), "150000.0");
    expect(waveVerify(parseLosslessJson(text) as Record<string, unknown>, SECRET)).toBe(true);
    expect(waveVerify(JSON.parse(text) as Record<string, unknown>, SECRET)).toBe(false);
  });
});

describe("AYA Pay gateway checksum", () => {
  const SECRET = "aya-app-secret";
  // A wallet payment: no card fields, `currenyCode` spelled as real payloads spell it, a null user reference.
  const payload = {
    merchOrderId: "TRMINV0001",
    tranId: "987654",
    amount: "150000",
    currenyCode: "104",
    statusCode: "00",
    paymentMobileNumber: "09420000001",
    userRef1: null,
    description: "TRM invoice",
    dateTime: "2026-11-22 15:00:00",
  };
  const EXPECTED_PARTS = [
    "TRMINV0001",
    "987654",
    "150000",
    "104",
    "00",
    "09420000001",
    "",
    "TRM invoice",
    "2026-11-22 15:00:00",
  ];

  it("joins the present fields in the documented order with ':' (null as empty), HMAC-SHA256 lowercase", () => {
    expect(ayaPayloadParts(payload)).toEqual(EXPECTED_PARTS);
    const checkSum = hmacLower(SECRET, EXPECTED_PARTS.join(":"));
    expect(ayaChecksum(EXPECTED_PARTS, SECRET)).toBe(checkSum);
    expect(ayaVerify(payload, checkSum, SECRET)).toBe(true);
    expect(ayaVerify(payload, checkSum.toUpperCase(), SECRET)).toBe(true);
  });

  it("refuses each field tampered, a wrong secret and a malformed checksum", () => {
    const checkSum = hmacLower(SECRET, EXPECTED_PARTS.join(":"));
    for (const name of Object.keys(payload))
      expect(ayaVerify({ ...payload, [name]: "changed" }, checkSum, SECRET), name).toBe(false);
    expect(ayaVerify(payload, checkSum, "other")).toBe(false);
    expect(ayaVerify(payload, "zz", SECRET)).toBe(false);
    expect(ayaVerify(payload, undefined, SECRET)).toBe(false);
  });
});
