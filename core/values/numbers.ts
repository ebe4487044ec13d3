import type { Language } from "../users/user-model.ts";

const english = new Intl.NumberFormat("en-US");
const burmese = new Intl.NumberFormat("my", { maximumFractionDigits: 1 });

/** A number for people: `1,234` in English, `၁,၂၃၄` in Burmese (Burmese text reads Burmese digits). */
export function formatNumber(value: number, language: Language): string {
  return language === "my" ? burmese.format(value) : english.format(value);
}
