import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { normalizeInput, toNumericText } from "../text/burmese-text.ts";

/** Township codes per state/region (1–14), Burmese, from the curated dataset in `data/`. */
const dataset = z
  .object({ states: z.record(z.string(), z.string()) })
  .parse(JSON.parse(readFileSync(path.join(import.meta.dirname, "data", "nrc-townships.json"), "utf8")));
const TOWNSHIPS = new Map<number, Set<string>>(
  Object.entries(dataset.states).map(([state, codes]) => [Number(state), new Set(codes.split(/\s+/))]),
);

/** Citizenship types: Latin letter ↔ the Burmese written on the card, and spellings people type. */
const TYPES = [
  { latin: "N", my: "နိုင်", typed: ["N", "NAING", "NAINGAN", "နိုင်", "န"] },
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
  ဥ: ["OU", "U", "O"],
};

/** Every Latin spelling of a Burmese township code (`ဥကမ` → OUKAMA, UKAMA, OKAMA). */
function latinSpellings(code: string): string[] {
  return [...code].reduce<string[]>(
    (acc, char) => acc.flatMap((prefix) => (LATIN[char] ?? [""]).map((part) => prefix + part)),
    [""],
  );
}

const LATIN_INDEX = new Map<number, Map<string, string>>(
  [...TOWNSHIPS].map(([state, codes]) => [
    state,
    new Map([...codes].flatMap((code) => latinSpellings(code).map((latin) => [latin, code] as const))),
  ]),
);

export interface Nrc {
  state: number;
  /** Burmese township code, e.g. `ဥကမ`. */
  township: string;
  type: NrcType;
  /** Six digits. */
  number: string;
}

export type NrcProblem = "format" | "state" | "township" | "type" | "number";

export type NrcParse = { ok: true; nrc: Nrc } | { ok: false; problem: NrcProblem };

const BURMESE_DIGITS = "၀၁၂၃၄၅၆၇၈၉";
const toBurmeseDigits = (value: string): string =>
  value.replace(/\d/g, (digit) => BURMESE_DIGITS[Number(digit)] ?? digit);
const MYANMAR_LETTER = /[\u1000-\u103F]/;

/**
 * Reads an NRC number as people type it: Latin (`12/OUKAMA(N)123456`) or
 * Burmese (`၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆`), with or without spaces, in Zawgyi or
 * Unicode, with Burmese or ASCII digits. The (state, township) pair is checked
 * against the curated dataset (codes repeat across states). Says which part
 * is wrong when it is not valid.
 */
export function parseNrc(input: string): NrcParse {
  const text = normalizeInput(input)
    .text.replace(/[\s\u200B]+/g, "")
    .replace(/[（]/g, "(")
    .replace(/[）]/g, ")")
    .replace(/[\\|]/g, "/");
  const match = /^(\d{1,2})\/([^/()]+)\(([^()]+)\)(.*)$/.exec(text.replace(/^ဝ/, "0"));
  if (match === null) return { ok: false, problem: "format" };
  const [, stateText = "", townshipText = "", typeText = "", numberRaw = ""] = match;
  const numberText = toNumericText(numberRaw);
  const state = Number(stateText);
  const townships = TOWNSHIPS.get(state);
  if (townships === undefined) return { ok: false, problem: "state" };
  // normalizeInput read Burmese ၀ as the digit 0; inside a township code it is the letter ဝ.
  const township = MYANMAR_LETTER.test(townshipText)
    ? townshipText.replace(/0/g, "ဝ")
    : LATIN_INDEX.get(state)?.get(townshipText.toUpperCase().replace(/[^A-Z]/g, ""));
  if (township === undefined || !townships.has(township)) return { ok: false, problem: "township" };
  const type = TYPES.find((candidate) => (candidate.typed as readonly string[]).includes(typeText.toUpperCase()));
  if (type === undefined) return { ok: false, problem: "type" };
  if (!/^\d{6}$/.test(numberText)) return { ok: false, problem: "number" };
  return { ok: true, nrc: { state, township, type: type.latin, number: numberText } };
}

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
