import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { toAsciiDigits } from "./digits.ts";
import { normalizeBurmese } from "./zawgyi.ts";

/** What may surround the digits of a written phone number. */
const PHONE_TEXT = /^[\d+\s().\-\u2010-\u2015/]+$/;

/**
 * A Myanmar mobile number as E.164 (`+959…`), from any common written form: `09…`, `9…`, `+959…`, `959…`,
 * `+95 (0)9…`, `0095…`, with spaces, dashes or dots, in Burmese, full-width or ASCII digits; null when it is not a
 * valid Myanmar mobile number. Validity is libphonenumber-js's (full metadata): the number's length and its allocated
 * ranges per operator, so one digit too many or an unallocated prefix (`090…`, `098…`) is refused.
 */
export function parseMyanmarPhone(text: string): string | null {
  const written = toAsciiDigits(normalizeBurmese(text)).trim();
  if (!PHONE_TEXT.test(written)) return null;
  // `+95 (0)9…`: the trunk 0 in brackets is a habit of print, not a digit of the number.
  const cleaned = written.replace(/\(\s*0\s*\)/, "").replace(/^00\s*95/, "+95");
  const phone = parsePhoneNumberFromString(cleaned, "MM");
  if (phone?.country !== "MM" || !phone.isValid()) return null;
  const type = phone.getType();
  return type === "MOBILE" || type === "FIXED_LINE_OR_MOBILE" ? phone.number : null;
}
