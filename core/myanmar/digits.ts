/** The zero of every decimal digit set people type: ASCII, Arabic-Indic, Burmese, Shan, Tai Laing, full-width, … */
const DIGIT_ZEROS = [0x30, 0x660, 0x6f0, 0x966, 0x1040, 0x1090, 0xa9f0, 0xff10, 0x116d0, 0x116da];

function digitValue(codePoint: number): number | undefined {
  for (const zero of DIGIT_ZEROS) if (codePoint >= zero && codePoint < zero + 10) return codePoint - zero;
  return undefined;
}

/**
 * Burmese (and other) digits to ASCII digits, and the letter ဝ (wa), which looks like the digit ၀ (zero), to 0 where
 * it stands among digits (`၃ဝဝဝဝဝ`, `ဝ၉၄၂…`): a run of digits and ဝ holding at least one real digit. A ဝ in a word
 * (`ဝန်ထမ်း`) stays a letter.
 */
export function toAsciiDigits(text: string): string {
  return text
    .replace(/[\p{Nd}ဝ]+/gu, (run) => (/\p{Nd}/u.test(run) ? run.replace(/ဝ/g, "0") : run))
    .replace(/\p{Nd}/gu, (digit) => {
      const value = digitValue(digit.codePointAt(0) ?? 0);
      return value === undefined ? digit : String(value);
    });
}
