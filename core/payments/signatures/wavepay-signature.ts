import { createHmac } from "node:crypto";
import { safeEqual } from "../../security/constant-time.ts";

/** The 11 callback fields WavePay hashes, in order (payments.md §2.3, the current formula). */
export const WAVEPAY_HASHED_FIELDS = [
  "status",
  "timeToLiveSeconds",
  "merchantId",
  "orderId",
  "amount",
  "backendResultUrl",
  "merchantReferenceId",
  "initiatorMsisdn",
  "transactionId",
  "paymentRequestId",
  "requestTime",
] as const;

/** The values concatenated with no separator; null (or absent) is hashed as the text `null`; numbers as received. */
export function waveHashBase(fields: Record<string, unknown>): string {
  return WAVEPAY_HASHED_FIELDS.map((name) => {
    const value = fields[name];
    if (value === null || value === undefined) return "null";
    return typeof value === "string" ? value : JSON.stringify(value);
  }).join("");
}

export function waveHash(fields: Record<string, unknown>, secret: string): string {
  return createHmac("sha256", secret).update(waveHashBase(fields), "utf8").digest("hex");
}

/** Checks `hashValue` in constant time; lowercase is what Wave sends, uppercase is accepted too. */
export function waveVerify(fields: Record<string, unknown>, secret: string): boolean {
  const given = fields.hashValue;
  if (typeof given !== "string" || !/^[0-9a-fA-F]{64}$/.test(given)) return false;
  return safeEqual(given.toLowerCase(), waveHash(fields, secret));
}
