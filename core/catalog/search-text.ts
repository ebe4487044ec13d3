import { burmeseSyllables } from "../text/burmese-syllables.ts";
import { normalizeBurmese, toAsciiDigits } from "../myanmar/index.ts";
import { queryReadings } from "../myanmar/zawgyi.ts";

const MYANMAR = /[\u1000-\u109F]/;
/** English: lower case, and plurals folded (jobs → job, cashiers → cashier, companies → company, boxes → box). */
export function englishStem(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && /(ches|shes|xes|sses)$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

const segmenter = new Intl.Segmenter("my", { granularity: "word" });

/**
 * Search tokens of one form of a text. Burmese is written without spaces between words, so it yields its syllables:
 * a query matches whatever way the words were run together or split. English yields stemmed words.
 */
function tokensOf(text: string): string[] {
  const tokens = new Set<string>();
  for (const part of segmenter.segment(toAsciiDigits(text).toLowerCase())) {
    if (!part.isWordLike) continue;
    const word = part.segment;
    if (MYANMAR.test(word)) {
      for (const syllable of burmeseSyllables(word)) if (MYANMAR.test(syllable)) tokens.add(syllable);
    } else {
      for (const piece of word.split(/[^a-z0-9]+/))
        if (piece.length > 1 || /\d/.test(piece)) tokens.add(englishStem(piece));
    }
  }
  return [...tokens];
}

/** Distinct token lists, one per form. */
function distinct(forms: string[][]): string[][] {
  const seen = new Set<string>();
  return forms.filter((tokens) => {
    const key = tokens.join("\u0000");
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/**
 * The forms a query is matched in, one token list each: as repaired, as typed, and read as Zawgyi when that is at
 * all likely (a short Zawgyi word can also be well-formed Unicode and is then left as typed). A job matches when all
 * tokens of any one form are in it.
 */
export function searchForms(text: string): string[][] {
  return distinct(queryReadings(text).map(tokensOf));
}

/** What the index keeps for a stored text: the tokens of the text as typed and as repaired. */
export function searchTokens(text: string): string[] {
  return [...new Set([...tokensOf(text.normalize("NFC")), ...tokensOf(normalizeBurmese(text))])];
}
