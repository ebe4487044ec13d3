import myanmarTools from "myanmar-tools";
import { describe, expect, it } from "vitest";
import { normalizeBurmese } from "../../core/myanmar/index.ts";
import { specPairs, textPairs, type Pair } from "./corpora.ts";

const converter = new myanmarTools.ZawgyiConverter();
/** Only pairs the library's own converter gets right say anything about our gate in front of it. */
const converterRight = ({ zawgyi, unicode }: Pair) =>
  converter.zawgyiToUnicode(zawgyi).normalize("NFC") === unicode.normalize("NFC");

function bySet(pairs: Pair[]): Map<string, Pair[]> {
  const sets = new Map<string, Pair[]>();
  for (const pair of pairs) sets.set(pair.set, [...(sets.get(pair.set) ?? []), pair]);
  return sets;
}

const text = bySet(textPairs());
const spec = specPairs();

/**
 * Words that are well-formed in both encodings (`ဥပေဒ` reads as Unicode `ဥ·ပေ·ဒ`) and that the detector does not
 * call Zawgyi with the 0.95 certainty Google advises for automatic conversion. Converting them would alter Unicode
 * words that score as high (e.g. `လေဆိပ်၌` scores 0.79), so they are left as typed; in a message of more than a word
 * or two the detector sees enough to decide.
 */
const AMBIGUOUS_WORDS = ["ဥပေဒ", "ထိုသေဘာ", "မခံရေစဘဲ", "ဥပေဒက", "ထြက္ခြာ", "သေဘာတရား", "စီးပြား", "ဥပေဒက", "လူတစ္စု"];
/** Converter spec cases of odd sequences (word joiners inside a syllable, doubled asat), not text people type. */
const SPEC_EDGE_CASES = [
  "ခ\u2060ဲဘယ်",
  "ခ\u2060ဲဘယ်",
  "ခ\u200Dှဘယ်",
  "ဃ\u00A0ၠဃၠဃ\u2006႓ဃ\u200D႓ဃ\u2060႔ဆ",
  "ည််",
  "မိုလေ၀သ",
  "မိုလေ၀သ",
];

describe("normalizeBurmese on google/myanmar-tools' corpora", () => {
  for (const [set, pairs] of text) {
    const unicodeAltered = pairs.filter(({ unicode }) => normalizeBurmese(unicode) !== unicode.normalize("NFC"));
    it(`${set}: ${pairs.length} Unicode strings tried, ${unicodeAltered.length} altered`, () => {
      expect(unicodeAltered.map((pair) => pair.unicode)).toEqual([]);
    });
    const tried = pairs.filter(converterRight);
    const wrong = tried.filter(({ zawgyi, unicode }) => normalizeBurmese(zawgyi) !== unicode.normalize("NFC"));
    it(`${set}: ${tried.length} Zawgyi strings tried, ${wrong.length} wrong (ambiguous words only)`, () => {
      expect(wrong.every(({ zawgyi }) => AMBIGUOUS_WORDS.includes(zawgyi))).toBe(true);
    });
  }

  it("leaves exactly the listed ambiguous words unconverted, nothing else", () => {
    const wrong = [...text.values()]
      .flat()
      .filter((pair) => converterRight(pair) && normalizeBurmese(pair.zawgyi) !== pair.unicode.normalize("NFC"));
    expect(wrong.map(({ zawgyi }) => zawgyi)).toEqual(AMBIGUOUS_WORDS);
  });

  const specTried = spec.filter(converterRight);
  const specWrong = specTried.filter(({ zawgyi, unicode }) => normalizeBurmese(zawgyi) !== unicode.normalize("NFC"));
  it(`converter spec: ${specTried.length} Zawgyi cases tried, ${specWrong.length} left (odd sequences only)`, () => {
    expect(specWrong.map(({ zawgyi }) => zawgyi)).toEqual(SPEC_EDGE_CASES);
  });
});

describe("normalizeBurmese", () => {
  it.each([
    // Unicode with a stack the detector takes for Zawgyi's visible asat: township names and a person's name.
    ["မိတ္ထီလာ"],
    ["ပခုက္ကူ"],
    ["သန္တာ"],
    ["ယောက်ျား"],
    ["ကိုယ်အင်္ဂါ"],
    ["hello"],
    ["၁၂၃"],
  ])("returns Unicode and other text unchanged: %s", (typed) => {
    expect(normalizeBurmese(typed)).toBe(typed);
  });

  it.each([
    ["ေက်ာင္း", "ကျောင်း"],
    ["၄/ဟခန(ႏိုင္)၁၂၃၄၅၆", "၄/ဟခန(နိုင်)၁၂၃၄၅၆"],
    ["၄ သိန္း", "၄ သိန်း"],
    ["ေမာင္ေမာင္", "မောင်မောင်"],
    ["လစာ ၄ သိန္း", "လစာ ၄ သိန်း"],
  ])("repairs Zawgyi %s to %s (the digit four stays a digit before / or an amount)", (typed, unicode) => {
    expect(normalizeBurmese(typed)).toBe(unicode);
  });

  it("does no more than repair: digits and spaces stay as typed, NFC applies", () => {
    expect(normalizeBurmese("  ၁၂၃  ")).toBe("  ၁၂၃  ");
    expect(normalizeBurmese("e\u0301")).toBe("\u00e9");
  });
});
