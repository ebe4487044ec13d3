import { parseKyat } from "../myanmar/index.ts";
import type { Language } from "../users/user-model.ts";

/**
 * Money as people read it: integer kyat (MMK) everywhere, no floats, formatted for each language here. What people
 * type is read by `parseKyat` (core/myanmar).
 */
const LAKH = 100_000;

const englishNumber = new Intl.NumberFormat("en-US");
const burmeseNumber = new Intl.NumberFormat("my", { maximumFractionDigits: 1 });
const burmeseDigits = (value: number) => burmeseNumber.format(value);

/** Burmese amounts read in သိန်း (100,000) when that is exact to one decimal, else in ကျပ. */
function burmeseAmount(value: number): { number: string; unit: "lakh" | "kyat" } {
  return value >= LAKH && (value * 10) % LAKH === 0
    ? { number: burmeseDigits(value / LAKH), unit: "lakh" }
    : { number: burmeseDigits(value), unit: "kyat" };
}

/**
 * Monthly salary for a job card. English: `MMK 300,000 – 500,000`.
 * Burmese: Burmese digits, in သိန်း where natural: `လစာ ၃ – ၅ သိန်း`.
 */
export function formatSalary(min: number | null, max: number | null, language: Language): string {
  if (min === null && max === null) return language === "en" ? "Salary negotiable" : "လစာ ညှိနှိုင်းနိုင်";
  if (language === "en") {
    if (min !== null && max !== null) return `MMK ${englishNumber.format(min)} – ${englishNumber.format(max)}`;
    return min !== null ? `MMK ${englishNumber.format(min)}+` : `Up to MMK ${englishNumber.format(max ?? 0)}`;
  }
  const low = min === null ? undefined : burmeseAmount(min);
  const high = max === null ? undefined : burmeseAmount(max);
  const unitWord = (unit: "lakh" | "kyat") => (unit === "lakh" ? "သိန်း" : "ကျပ်");
  if (low !== undefined && high !== undefined && min !== null && max !== null) {
    // One unit for the whole range: သိန်း when both ends read naturally in it, otherwise ကျပ်.
    if (low.unit === "lakh" && high.unit === "lakh") return `လစာ ${low.number} – ${high.number} သိန်း`;
    return `လစာ ${burmeseDigits(min)} – ${burmeseDigits(max)} ကျပ်`;
  }
  if (low !== undefined) return `လစာ ${low.number} ${unitWord(low.unit)} နှင့်အထက်`;
  return `လစာ ${high?.number ?? ""} ${unitWord(high?.unit ?? "kyat")} အထိ`;
}

/** A kyat amount: `MMK 50,000` / `၅၀,၀၀၀ ကျပ်`. */
export function formatKyat(amount: number, language: Language): string {
  return language === "en" ? `MMK ${englishNumber.format(amount)}` : `${burmeseDigits(amount)} ကျပ်`;
}

/** What a person typed as a minimum salary: `300000`, `300,000`, `၃ သိန်း`, `3.5 lakh`. */
export function parseSalaryInput(text: string): number | undefined {
  const value = parseKyat(text);
  return value !== null && value >= 1_000 && value <= 100_000_000 ? value : undefined;
}
