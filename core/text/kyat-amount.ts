const LAKH = 100_000;

/**
 * A kyat amount as people type it (digits already ASCII): `300000`,
 * `300,000`, `MMK 300,000`, `300000 Ks`, `300000 ကျပ်`, `3 lakh`, `3.5 lakh`,
 * `3 သိန်း`. Whole kyat only; undefined when it is not an amount.
 */
export function parseKyatAmount(text: string): number | undefined {
  const cleaned = text
    .trim()
    .replace(/^(mmk|ks\.?|kyats?)\s*/i, "")
    .replace(/\s*(mmk|ks\.?|kyats?|ကျပ်)$/i, "");
  const match = /^(\d+(?:[.,]\d+)*)\s*(သိန်း|lakhs?|lacs?)?$/i.exec(cleaned);
  if (match?.[1] === undefined) return undefined;
  const lakh = match[2] !== undefined;
  if (!lakh && !/^\d{1,3}(,\d{3})*$|^\d+$/.test(match[1])) return undefined;
  const numeric = lakh ? Number(match[1].replace(",", ".")) : Number(match[1].replace(/,/g, ""));
  if (!Number.isFinite(numeric) || numeric <= 0) return undefined;
  const value = lakh ? numeric * LAKH : numeric;
  return Number.isSafeInteger(Math.round(value)) && Math.abs(value - Math.round(value)) < 1e-6
    ? Math.round(value)
    : undefined;
}
