import { createHash } from "node:crypto";
import { safeEqual } from "../../security/constant-time.ts";
import { scalarText } from "../raw-json.ts";

/**
 * KBZPay's signature (payments.md §1.2, §1.6): one flat map of the top-level
 * fields and those inside `biz_content`; `sign`, `sign_type`, empty values and
 * nested arrays/objects left out; keys in byte order; `k=v` joined by `&`
 * with raw values; `&key=<app key>` appended; SHA-256 as uppercase hex.
 * Every received field counts (KBZ may add fields), numbers as their received text.
 */
export function kbzSignBase(fields: Record<string, unknown>, appKey: string): string {
  const flat: Array<[string, string]> = [];
  const add = (source: Record<string, unknown>) => {
    for (const [name, value] of Object.entries(source)) {
      if (name === "sign" || name === "sign_type" || name === "biz_content") continue;
      const text = scalarText(value);
      if (text === undefined || text === "") continue;
      flat.push([name, text]);
    }
  };
  add(fields);
  const biz = fields.biz_content;
  if (typeof biz === "object" && biz !== null && !Array.isArray(biz)) add(biz as Record<string, unknown>);
  flat.sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return `${flat.map(([name, value]) => `${name}=${value}`).join("&")}&key=${appKey}`;
}

export function kbzSign(fields: Record<string, unknown>, appKey: string): string {
  return createHash("sha256").update(kbzSignBase(fields, appKey), "utf8").digest("hex").toUpperCase();
}

/** Checks a received `sign` in constant time, case-insensitively. */
export function kbzVerify(fields: Record<string, unknown>, appKey: string): boolean {
  const given = fields.sign;
  if (typeof given !== "string" || !/^[0-9a-fA-F]{64}$/.test(given)) return false;
  return safeEqual(given.toUpperCase(), kbzSign(fields, appKey));
}
