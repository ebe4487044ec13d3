import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { toAsciiDigits } from "./digits.ts";
import { normalizeBurmese } from "./zawgyi.ts";

/** Township codes per state/region (1–14), Burmese, from the curated dataset in `data/`. */
const dataset = z
  .object({ states: z.record(z.string(), z.string()) })
  .parse(JSON.parse(readFileSync(path.join(import.meta.dirname, "data", "nrc-townships.json"), "utf8")));
const TOWNSHIPS = new Map<number, Set<string>>(
  Object.entries(dataset.states).map(([state, codes]) => [Number(state), new Set(codes.split(/\s+/))]),
);

/** Citizenship types: Latin letter ↔ the Burmese written on the card, and spellings people type. */
const TYPES = [
  // `C` (citizen) is how some English forms and bank records write the citizen type.
  { latin: "N", my: "နိုင်", typed: ["N", "NAING", "NAINGAN", "C", "နိုင်", "န"] },
  { latin: "E", my: "ဧည့်", typed: ["E", "AE", "EH", "ဧည့်", "ဧ"] },
  { latin: "P", my: "ပြု", typed: ["P", "PYU", "ပြု"] },
  { latin: "T", my: "သာသနာ", typed: ["T", "THA", "THATHANA", "သာသနာ", "သ"] },
  { latin: "Y", my: "ယာယီ", typed: ["Y", "YAYI", "ယာယီ", "ယ"] },
  { latin: "S", my: "စ", typed: ["S", "SA", "စ"] },
] as const;
export type NrcType = (typeof TYPES)[number]["latin"];

/**
 * How each consonant of a township code is spelled in Latin on cards and in the usual tables (alternatives included).
 */
const LATIN: Record<string, string[]> = {
  က: ["KA"],
  ခ: ["KHA"],
  ဂ: ["GA"],
  ဃ: ["GA", "GHA"],
  င: ["NGA"],
  စ: ["SA"],
  ဆ: ["SA", "HSA"],
  ဇ: ["ZA"],
  ည: ["NYA"],
  ဏ: ["NA"],
  တ: ["TA"],
  ထ: ["HTA"],
  ဒ: ["DA"],
  ဓ: ["DA"],
  န: ["NA"],
  ပ: ["PA"],
  ဖ: ["PHA"],
  ဗ: ["BA"],
  ဘ: ["BA"],
  မ: ["MA"],
  ယ: ["YA"],
  ရ: ["YA", "RA"],
  လ: ["LA"],
  ဝ: ["WA"],
  သ: ["THA"],
  ဟ: ["HA"],
  အ: ["AH", "A"],
  ဥ: ["OU", "U", "O", "AU"],
};

/** Every Latin spelling of a Burmese township code (`ဥကမ` → OUKAMA, UKAMA, OKAMA). */
function latinSpellings(code: string): string[] {
  return [...code].reduce<string[]>(
    (acc, char) => acc.flatMap((prefix) => (LATIN[char] ?? [""]).map((part) => prefix + part)),
    [""],
  );
}

/** Per state: each Latin spelling → every township code it can stand for (some spellings fit two). */
const LATIN_INDEX = new Map<number, Map<string, string[]>>(
  [...TOWNSHIPS].map(([state, codes]) => {
    const index = new Map<string, string[]>();
    for (const code of codes)
      for (const latin of latinSpellings(code)) index.set(latin, [...new Set([...(index.get(latin) ?? []), code])]);
    return [state, index];
  }),
);

export interface Nrc {
  state: number;
  /** Burmese township code, e.g. `ဥကမ`. */
  township: string;
  type: NrcType;
  /** Six digits. */
  number: string;
}

export type NrcPart = "format" | "state" | "township" | "type" | "number";

export type NrcParse =
  | { ok: true; state: number; township: string; type: NrcType; number: string; canonical: string; latin: string }
  /**
   * `example` shows the right form of the wrong part; `candidates` lists the township codes a Latin spelling fits
   * when it fits more than one (`13/MASATA`): the person is asked which, nothing is guessed.
   */
  | { ok: false; part: NrcPart; example: string; candidates?: string[] };

const EXAMPLE = "12/OUKAMA(N)123456 · ၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆";

const BURMESE_DIGITS = "၀၁၂၃၄၅၆၇၈၉";
const toBurmeseDigits = (value: string): string =>
  value.replace(/\d/g, (digit) => BURMESE_DIGITS[Number(digit)] ?? digit);
const MYANMAR_LETTER = /[\u1000-\u103F]/;

/**
 * Reads an NRC number as people type it: Latin (`12/OUKAMA(N)123456`) or Burmese (`၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆`), with or
 * without spaces and punctuation (`1 HAPANA N 200000`), in Zawgyi or Unicode, with Burmese or ASCII digits. The
 * (state, township) pair is checked against the curated dataset (codes repeat across states). Says which part is
 * wrong when it is not valid.
 */
export function parseNrc(input: string): NrcParse {
  const text = toAsciiDigits(normalizeBurmese(input))
    .trim()
    .replace(/[（［[]/g, "(")
    .replace(/[）］\]]/g, ")")
    .replace(/[\\|]/g, "/")
    .replace(/\s+/g, " ");
  const match =
    /^(\d{1,2}) ?\/ ?([^/() ]+) ?\( ?([^()]+?) ?\) ?(.+)$/u.exec(text) ??
    /^(\d{1,2})[ /]+([^\s/()]+) ([^\s/()]+) (\S+)$/u.exec(text);
  if (match === null) return wrongPart("format");
  const [, stateText = "", townshipText = "", typeText = "", numberText = ""] = match;
  const state = Number(stateText);
  const townships = TOWNSHIPS.get(state);
  if (townships === undefined) return wrongPart("state");
  // Read as digits above, a zero inside a Burmese code is the letter ဝ (they look alike).
  const candidates = MYANMAR_LETTER.test(townshipText)
    ? [townshipText.replace(/0/g, "ဝ")]
    : (LATIN_INDEX.get(state)?.get(townshipText.toUpperCase().replace(/[^A-Z]/g, "")) ?? []);
  const known = candidates.filter((code) => townships.has(code));
  if (known.length > 1) return { ...wrongPart("township"), candidates: known };
  const township = known[0];
  if (township === undefined) return wrongPart("township");
  const type = TYPES.find((candidate) => (candidate.typed as readonly string[]).includes(typeText.toUpperCase()));
  if (type === undefined) return wrongPart("type");
  const number = numberText.replace(/[\s-]/g, "");
  if (!/^\d{6}$/.test(number)) return wrongPart("number");
  const nrc: Nrc = { state, township, type: type.latin, number };
  return { ok: true, ...nrc, canonical: nrcBurmese(nrc), latin: nrcLatin(nrc) };
}

const wrongPart = (part: NrcPart): { ok: false; part: NrcPart; example: string } => ({
  ok: false,
  part,
  example: EXAMPLE,
});

/** The township codes a state has (for asking which one a Latin spelling meant). */
export const townshipCodes = (state: number): string[] => [...(TOWNSHIPS.get(state) ?? [])];

/** The canonical form stored and shown: Burmese, as printed on the card (`၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆`). */
export function nrcBurmese(nrc: Nrc): string {
  const type = TYPES.find((candidate) => candidate.latin === nrc.type)?.my ?? nrc.type;
  return `${toBurmeseDigits(String(nrc.state))}/${nrc.township}(${type})${toBurmeseDigits(nrc.number)}`;
}

/** The Latin form (`12/OUKAMA(N)123456`), for people reading English. */
export function nrcLatin(nrc: Nrc): string {
  return `${nrc.state}/${latinSpellings(nrc.township)[0] ?? nrc.township}(${nrc.type})${nrc.number}`;
}

/** The key that finds the same card on another account. */
export const nrcKey = (nrc: Nrc): string => `${nrc.state}/${nrc.township}/${nrc.type}/${nrc.number}`;
