import { burmeseSyllables } from "../text/burmese-syllables.ts";
import { normalizeBurmese, toAsciiDigits } from "../myanmar/index.ts";

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

/**
 * The forms a text is searched in: as typed (NFC) and after encoding repair (Zawgyi → Unicode), one list of tokens
 * each, the same list once when they agree. Indexing both and matching either keeps a word the Zawgyi detector would
 * misjudge findable.
 */
export function searchForms(text: string): string[][] {
  const typed = tokensOf(text.normalize("NFC"));
  const repaired = tokensOf(normalizeBurmese(text));
  return typed.join("\u0000") === repaired.join("\u0000") ? [repaired] : [repaired, typed];
}

/** Every token of both forms: what the index keeps for a text. */
export function searchTokens(text: string): string[] {
  return [...new Set(searchForms(text).flat())];
}
