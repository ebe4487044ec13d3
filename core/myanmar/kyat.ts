import { toAsciiDigits } from "./digits.ts";
import { normalizeBurmese } from "./zawgyi.ts";

/** Words for a number of kyat, largest first; `k` is a thousand (`300k`), a lakh or သိန်း a hundred thousand. */
const UNITS: Array<[pattern: string, value: number]> = [
  ["သန်း|million", 1_000_000],
  ["သိန်း|lakhs?|lacs?", 100_000],
  ["သောင်း", 10_000],
  ["ထောင်|thousand|k", 1_000],
];
const UNIT = UNITS.map(([pattern]) => pattern).join("|");
const unitValue = (word: string): number =>
  UNITS.find(([pattern]) => new RegExp(`^(?:${pattern})$`, "iu").test(word))?.[1] ?? 0;

/** The currency written before or after the amount: `MMK`, `Ks`, `K 300,000`, `ကျပ်`, `kyats`. */
const CURRENCY_BEFORE = /^(?:mmk|ks\.?|kyats?|k(?=\s*\d))\s*/iu;
const CURRENCY_AFTER = /\s*(?:mmk|ks\.?|kyats?|ကျပ်(?:ငွေ)?)\.?$/iu;

/** A number with a unit: digits, maybe a decimal (`3.5 lakh`); a unit and `ခွဲ` (and a half) in either order. */
const TERM_NUMBER_FIRST = new RegExp(`^(\\d+(?:\\.\\d+)?)\\s*(${UNIT})(\\s*ခွဲ)?(?![a-z])`, "iu");
const TERM_UNIT_FIRST = new RegExp(`^(${UNIT})\\s*(\\d+(?:\\.\\d+)?)(\\s*ခွဲ)?(?![a-z])`, "iu");

/** A plain amount: thousands grouped in threes (`300,000`, `300 000`) or the lakh way (`1,50,000`), `.00` allowed. */
const GROUPED = /^(\d{1,3}(?:[, ]\d{3})+|\d{1,2}(?:,\d{2})+,\d{3}|\d+)(?:\.0{1,2})?$/;

/**
 * Whole kyat from what people type: digits with `,` or spaces (also the lakh grouping `1,50,000`), `k`, `lakh`,
 * `သိန်း`, `သောင်း`, `ထောင်`, `သန်း`, `ခွဲ` (and a half), a decimal of a unit (`3.5 lakh`), unit first (`သိန်း ၃၀`),
 * compounds (`၃ သိန်း ၅ သောင်း`), currency words (`MMK`, `Ks`, `ကျပ်`), Burmese digits and Zawgyi. Null for anything
 * ambiguous or not a whole, positive number of kyat (`3.5` with no unit, `1,5,0`, units out of order).
 */
export function parseKyat(text: string): number | null {
  let rest = toAsciiDigits(normalizeBurmese(text))
    .trim()
    .replace(CURRENCY_BEFORE, "")
    .replace(CURRENCY_AFTER, "")
    .trim();
  if (rest === "") return null;
  if (GROUPED.test(rest)) return whole(Number(rest.replace(/[, ]/g, "")));
  let total = 0;
  let lastUnit = Number.POSITIVE_INFINITY;
  while (rest !== "") {
    const numberFirst = TERM_NUMBER_FIRST.exec(rest);
    const unitFirst = numberFirst === null ? TERM_UNIT_FIRST.exec(rest) : null;
    const match = numberFirst ?? unitFirst;
    if (match === null) return null;
    const [amount = "", word = ""] = numberFirst === null ? [match[2], match[1]] : [match[1], match[2]];
    const unit = unitValue(word);
    // A compound goes from the largest unit down (`၃ သိန်း ၅ သောင်း`); anything else is not a way people write.
    if (unit === 0 || unit >= lastUnit) return null;
    total += Number(amount) * unit + (match[3] === undefined ? 0 : unit / 2);
    lastUnit = unit;
    rest = rest.slice(match[0].length).replace(/^[\s,+]*(?:နဲ့|နှင့်|and)?\s*/iu, "");
  }
  return whole(total);
}

function whole(value: number): number | null {
  const rounded = Math.round(value);
  return value > 0 && Number.isSafeInteger(rounded) && Math.abs(value - rounded) < 1e-6 ? rounded : null;
}
