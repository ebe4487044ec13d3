import myanmarTools, { type ZawgyiConverter, type ZawgyiDetector } from "myanmar-tools";

// Stateless models: one per process is enough and loading them costs ~2 ms.
let detector: ZawgyiDetector | undefined;
let converter: ZawgyiConverter | undefined;

const MYANMAR = /[\u1000-\u109F]/;

/**
 * One well-formed Unicode Burmese syllable, in the storage order Unicode prescribes (UTN #11): an optional kinzi, a
 * base (consonant, independent vowel, digit or symbol), an optional stacked consonant, the medials ျ ြ ွ ှ in that
 * order, then the vowel signs (ေ, an upper ိ ီ ဲ, a lower ု ူ, ါ or ာ, ံ), then the dot below ့, the asat ် and the
 * visarga း (dot below and asat in either order: both are in use).
 */
const SYLLABLE =
  "(?:\u1004\u103A\u1039)?" +
  "[\u1000-\u102A\u103F\u1040-\u1049\u104C-\u104F]" +
  "(?:\u103A(?=[\u103B-\u103E]))?" +
  "(?:\u1039[\u1000-\u1021])?" +
  "\u103B?\u103C?\u103D?\u103E?" +
  "\u1031?[\u102D\u102E\u1032]?[\u102F\u1030]?[\u102B\u102C]?\u1036?" +
  "(?:\u1037\u103A|\u103A\u1037|\u1037|\u103A)?\u1038?";
/** A run of Myanmar letters and marks, as it must read when it is Unicode: syllables, and the section signs ၊ ။. */
const UNICODE_RUN = new RegExp(`^(?:${SYLLABLE}|[\u104A\u104B])+$`, "u");
const RUNS = /[\u1000-\u109F\u200B-\u200D\u2060]+/gu;

/**
 * Whether Burmese text reads as well-formed Unicode: every run of Myanmar characters is a sequence of Unicode
 * syllables. Zawgyi text almost never is, since Zawgyi stores ေ and ြ before their consonant, uses ် as a medial
 * and ္ as the visible asat, puts ံ before ု, and has its own glyph code points.
 */
export function looksLikeUnicode(text: string): boolean {
  for (const run of text.normalize("NFC").matchAll(RUNS)) {
    if (!UNICODE_RUN.test(run[0].replace(/[\u200B-\u200D\u2060]/g, ""))) return false;
  }
  // Zawgyi writers type the digit ၀ for the letter ဝ inside words; Unicode text has digits only among digits.
  if (/[\u1000-\u103F]\u1040(?![\u1040-\u1049])|(?<![\u1040-\u1049])\u1040[\u102B-\u103E]/u.test(text)) return false;
  for (const stack of text.matchAll(/([\u1000-\u1021])\u1039([\u1000-\u1021])/gu))
    if (!stackable(stack[1] ?? "", stack[2] ?? "")) return false;
  return true;
}

/** The five rows (vargas) of the consonant table: a stack joins two consonants of one row. */
const ROWS = ["ကခဂဃင", "စဆဇဈဉ", "ဋဌဍဎဏ", "တထဒဓန", "ပဖဗဘမ"];
/** Stacks outside the rows that Burmese spelling uses (Pali and Sanskrit loans). */
const OTHER_STACKS = new Set(["လ္လ", "သ္သ", "ဟ္မ", "ဟ္န", "ယ္ယ", "ဝ္ဝ", "သ္မ", "ဓ္မ", "ဂ္ဓ", "ဃ္န", "ဒ္ဝ", "ဒ္ဗ"]);

/**
 * Whether `upper` may stand over `lower` in Unicode Burmese (the stacker ္ between them): both in one row of the
 * table, the upper not ṅa (its stack is the kinzi, written with asat) or ña. Zawgyi uses ္ as the visible asat, so
 * Zawgyi text yields pairs no Burmese word stacks (`က္လ`, `င္ဘ`).
 */
function stackable(upper: string, lower: string): boolean {
  if (upper === "င" || upper === "ည") return false;
  if (OTHER_STACKS.has(`${upper}\u1039${lower}`)) return true;
  return (
    ROWS.some((row) => row.includes(upper) && row.slice(0, 4).includes(lower)) ||
    (upper === lower && "နမဏဉ".includes(upper))
  );
}

/** Text that stacks consonants the way only Unicode can (a Zawgyi `္` is a visible asat, not a stacker). */
function hasStack(text: string): boolean {
  return /\u1039[\u1000-\u1021]/u.test(text);
}

/**
 * The detector's score above which text that cannot be Unicode is taken for Zawgyi even when converting it does not
 * give well-formed Unicode (a typo in either encoding). Text that converts to well-formed Unicode needs no score: on
 * a word or two the detector is unsure, while the structure is not.
 */
const THRESHOLD = 0.5;
/**
 * Text that reads as well-formed Unicode is converted only when the detector is this sure (Google's advice for
 * automatic conversion) and the conversion is well-formed too: some short words are valid in both encodings.
 */
const SURE = 0.95;
/** Below this (Google's threshold for "surely not Zawgyi") even malformed text is left as typed: a Unicode typo. */
const MAYBE = 0.05;

/** Zawgyi's digit four before a slash, a digit or an amount word is the digit, not the letter ၎ the converter makes. */
function restoreDigitFour(text: string): string {
  return text.replace(/\u104E(?=\s*(?:[/\u1040-\u1049\d]|သိန်း|သောင်း|ထောင်|သန်း|ကျပ်|\())/gu, "\u1044");
}

/**
 * Encoding repair only: Zawgyi becomes Unicode when the text is Zawgyi; the result is NFC; nothing else changes (no
 * digits, no trimming). Unicode input is returned unchanged: text that is well-formed Unicode is never converted
 * (converting Unicode corrupts it, e.g. the stacked `မိတ္ထီလာ` would lose its stack).
 */
export function normalizeBurmese(text: string): string {
  const nfc = text.normalize("NFC");
  if (!MYANMAR.test(nfc)) return nfc;
  const valid = looksLikeUnicode(nfc);
  // Well-formed Unicode with a stack is Unicode: Zawgyi writes stacks with its own glyphs.
  if (valid && hasStack(nfc)) return nfc;
  detector ??= new myanmarTools.ZawgyiDetector();
  converter ??= new myanmarTools.ZawgyiConverter();
  const score = detector.getZawgyiProbability(nfc);
  if (valid ? score <= SURE : score < MAYBE) return nfc;
  const converted = restoreDigitFour(converter.zawgyiToUnicode(nfc)).normalize("NFC");
  return looksLikeUnicode(converted) || (!valid && score >= THRESHOLD) ? converted : nfc;
}

/**
 * Every way a search query may be meant: as repaired, as typed, and as Zawgyi when the detector gives that any
 * weight, even where {@link normalizeBurmese} leaves an ambiguous word as typed. Stored text is never changed by
 * this; only a query matches through any of its readings.
 */
export function queryReadings(text: string): string[] {
  const readings = new Set([normalizeBurmese(text), text.normalize("NFC")]);
  if (MYANMAR.test(text)) {
    detector ??= new myanmarTools.ZawgyiDetector();
    converter ??= new myanmarTools.ZawgyiConverter();
    if (detector.getZawgyiProbability(text) >= MAYBE)
      readings.add(restoreDigitFour(converter.zawgyiToUnicode(text.normalize("NFC"))).normalize("NFC"));
  }
  return [...readings];
}
