/**
 * Reading what people in Myanmar type: the only place these rules live. The engine normalizes every text with
 * `normalizeBurmese` and `toAsciiDigits`; flows, services and importers parse values with the other three. The rules
 * and their sources are in docs/myanmar.md; tests hold them to outside corpora (tests/myanmar/).
 */
export { normalizeBurmese } from "./zawgyi.ts";
export { toAsciiDigits } from "./digits.ts";
export { parseMyanmarPhone } from "./phone.ts";
export { parseKyat } from "./kyat.ts";
export { parseNrc } from "./nrc.ts";
