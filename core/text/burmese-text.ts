import myanmarTools, { type ZawgyiConverter, type ZawgyiDetector } from "myanmar-tools";

/** Above this the detector's false positives on Unicode stay under 1% (google/myanmar-tools README). */
export const ZAWGYI_THRESHOLD = 0.95;

// Stateless models: one per process is enough and loading them costs ~2 ms.
let detector: ZawgyiDetector | undefined;
let converter: ZawgyiConverter | undefined;

export interface NormalizedText {
  text: string;
  /** The input was Zawgyi and was converted (kept for telemetry). */
  wasZawgyi: boolean;
}

/** Every decimal digit set (Myanmar, Shan, Tai Laing, …) to ASCII; `\p{Nd}` blocks are 10 consecutive code points. */
const DIGIT_ZEROS = [0x30, 0x660, 0x6f0, 0x966, 0x1040, 0x1090, 0xa9f0, 0x116d0, 0x116da];

function digitValue(codePoint: number): number | undefined {
  for (const zero of DIGIT_ZEROS) if (codePoint >= zero && codePoint < zero + 10) return codePoint - zero;
  return undefined;
}

/** Reads Burmese (and other) digits as ASCII digits; letters are left alone. */
export function toAsciiDigits(text: string): string {
  return text.replace(/\p{Nd}/gu, (digit) => {
    const value = digitValue(digit.codePointAt(0) ?? 0);
    return value === undefined ? digit : String(value);
  });
}

/**
 * For numeric fields only (phone, amount, NRC number, codes): also reads the
 * letter ဝ (wa), which looks like ၀ (zero), as 0, since real input mixes them.
 */
export function toNumericText(text: string): string {
  return toAsciiDigits(text.replace(/ဝ(?=[\p{Nd}ဝ]|$)|(?<=\p{Nd})ဝ/gu, "0"));
}

/**
 * Normalizes what a person typed before any flow sees it: Zawgyi is detected
 * and converted to Unicode (only above the threshold: converting Unicode
 * corrupts it), Burmese digits become ASCII digits, and Unicode is NFC.
 */
export function normalizeInput(raw: string): NormalizedText {
  let text = raw.normalize("NFC");
  let wasZawgyi = false;
  if (/[\u1000-\u109F]/.test(text)) {
    detector ??= new myanmarTools.ZawgyiDetector();
    if (detector.getZawgyiProbability(text) > ZAWGYI_THRESHOLD) {
      converter ??= new myanmarTools.ZawgyiConverter();
      const converted = converter.zawgyiToUnicode(text);
      wasZawgyi = converted !== text;
      text = converted;
    }
  }
  return { text: toAsciiDigits(text).trim(), wasZawgyi };
}
