import { createHmac } from "node:crypto";
import { safeEqual } from "../../security/constant-time.ts";

/**
 * The callback payload's fields in the order AYA's gateway signs them (payments.md §3B; real payloads spell
 * `currenyCode`).
 */
export const AYA_PAYLOAD_ORDER = [
  "merchOrderId",
  "tranId",
  "amount",
  "currencyCode",
  "currenyCode",
  "statusCode",
  "paymentCardNumber",
  "paymentMobileNumber",
  "cardTypeName",
  "cardExpiryDate",
  "nameOnCard",
  "approvalCode",
  "tranRef",
  "userRef1",
  "userRef2",
  "userRef3",
  "userRef4",
  "userRef5",
  "description",
  "dateTime",
] as const;

/** `checksum(parts) = HMAC-SHA256(appSecret, parts.join(":"))`, lowercase hex. */
export function ayaChecksum(parts: string[], appSecret: string): string {
  return createHmac("sha256", appSecret).update(parts.join(":"), "utf8").digest("hex");
}

/**
 * The parts of a decoded callback payload, following L2's rule (UNVERIFIED
 * against real traffic, isolated here): the keys present, in the documented
 * order; present-but-null counts as "", absent keys are skipped.
 */
export function ayaPayloadParts(payload: Record<string, unknown>): string[] {
  return AYA_PAYLOAD_ORDER.filter((name) => Object.hasOwn(payload, name)).map((name) => {
    const value = payload[name];
    if (value === null || value === undefined) return "";
    return typeof value === "string" ? value : JSON.stringify(value);
  });
}

export function ayaVerify(payload: Record<string, unknown>, checkSum: unknown, appSecret: string): boolean {
  if (typeof checkSum !== "string" || !/^[0-9a-fA-F]{64}$/.test(checkSum)) return false;
  return safeEqual(checkSum.toLowerCase(), ayaChecksum(ayaPayloadParts(payload), appSecret));
}
