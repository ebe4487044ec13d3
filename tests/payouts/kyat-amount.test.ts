import { describe, expect, it } from "vitest";
import { normalizeInput } from "../../core/text/burmese-text.ts";
import { parseKyatAmount } from "../../core/values/money.ts";

describe("kyat amounts as people type them", () => {
  it.each([
    ["300000", 300_000],
    ["300,000", 300_000],
    ["၃၀၀၀၀၀", 300_000],
    ["၃၀၀,၀၀၀", 300_000],
    ["3 lakh", 300_000],
    ["3.5 lakh", 350_000],
    ["၃ သိန်း", 300_000],
    ["၃.၅ သိန်း", 350_000],
    ["MMK 250,000", 250_000],
    ["250000 Ks", 250_000],
    ["250000 ကျပ်", 250_000],
  ])("reads %s as %d", (typed, amount) => {
    expect(parseKyatAmount(normalizeInput(typed).text)).toBe(amount);
  });

  it.each(["", "abc", "0", "-5000", "30,00,00", "3.5", "1.234567 lakh", "3 lakh 5"])("refuses %s", (typed) => {
    expect(parseKyatAmount(normalizeInput(typed).text)).toBeUndefined();
  });
});
