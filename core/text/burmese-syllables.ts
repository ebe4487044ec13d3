/**
 * Starts of a Burmese syllable: consonants, independent vowels, digits (a stacked consonant after ္ does not start
 * one).
 */
const SYLLABLE_START = /[\u1000-\u102A\u103F\u104C-\u104F\u1040-\u1049]/;

/**
 * Burmese syllables (the usual "sylbreak" rule): break before a syllable start unless stacked (after ္) or killed
 * (before ် or ္).
 */
export function burmeseSyllables(word: string): string[] {
  const chars = [...word];
  const syllables: string[] = [];
  let current = "";
  chars.forEach((char, i) => {
    const prev = chars[i - 1];
    const next = chars[i + 1];
    const startsNew = SYLLABLE_START.test(char) && prev !== "\u1039" && next !== "\u103A" && next !== "\u1039";
    if (startsNew && current !== "") {
      syllables.push(current);
      current = "";
    }
    current += char;
  });
  if (current !== "") syllables.push(current);
  return syllables;
}
