import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import examples from "libphonenumber-js/examples.mobile.json" with { type: "json" };
import { describe, expect, it } from "vitest";
import { parseMyanmarPhone } from "../../core/myanmar/index.ts";

/** What libphonenumber-js (full metadata) says a national number is: E.164 when a valid Myanmar mobile, else null. */
function libphonenumber(national: string): string | null {
  const phone = parsePhoneNumberFromString(`+95${national}`);
  const type = phone?.getType();
  return phone?.isValid() === true && (type === "MOBILE" || type === "FIXED_LINE_OR_MOBILE") ? phone.number : null;
}

const BURMESE = "၀၁၂၃၄၅၆၇၈၉";
const burmese = (digits: string) => digits.replace(/\d/g, (d) => BURMESE[Number(d)] ?? d);
const fullWidth = (digits: string) => digits.replace(/\d/g, (d) => String.fromCodePoint(0xff10 + Number(d)));
const spaced = (digits: string) => digits.replace(/^(\d{2})(\d{3})(\d{3})/, "$1 $2 $3 ");

/** The ways people write one national number `9…` (a mobile's national number starts with 9). */
function writtenForms(national: string): string[] {
  const local = `0${national}`;
  return [
    local,
    national,
    `+95${national}`,
    `95${national}`,
    `+95 (0)${national}`,
    `0095 ${national}`,
    `+95 ${spaced(national)}`.trim(),
    spaced(local).trim(),
    local.replace(/^(\d{2})(\d{3})/, "$1-$2-"),
    local.replace(/^(\d{2})(\d{3})/, "$1.$2."),
    burmese(local),
    `+${burmese(`95${national}`)}`,
    fullWidth(local),
  ];
}

/** Every two-digit mobile prefix 9x (allocated or not) at every length from 7 to 11 national digits. */
const NATIONALS = Array.from({ length: 100 }, (_, prefix) => String(prefix).padStart(2, "0")).flatMap((prefix) =>
  [7, 8, 9, 10, 11].map((length) => `9${prefix}${"1234567890".slice(0, length - 3)}`),
);

describe("parseMyanmarPhone against libphonenumber-js", () => {
  const cases = NATIONALS.flatMap((national) =>
    writtenForms(national).map((form) => ({ form, expected: libphonenumber(national) })),
  );
  const disagreements = cases.filter(({ form, expected }) => parseMyanmarPhone(form) !== expected);
  const valid = new Set(cases.filter((c) => c.expected !== null).map((c) => c.expected)).size;
  const title = `${cases.length} written forms of ${NATIONALS.length} numbers (${valid} valid)`;
  it(`${title}: ${disagreements.length} disagree`, () => {
    expect(disagreements).toEqual([]);
  });

  it("reads libphonenumber's own example Myanmar mobile in every written form", () => {
    const national = (examples as Record<string, string>).MM ?? "";
    expect(national).toMatch(/^9\d+$/);
    for (const form of writtenForms(national)) expect(parseMyanmarPhone(form), form).toBe(`+95${national}`);
  });

  it.each([
    ["094200123456", null],
    ["0966123456", null],
    ["0901234567", null],
    ["09112345678", null],
    ["0910123456", null],
    ["09812345678", null],
    ["+95 (0)9 420 012 345", "+959420012345"],
    ["0095 9 791 234 567", "+959791234567"],
    ["ဝ၉၇၉၁၂၃၄၅၆၇", "+959791234567"],
    ["09 420 012 345 ext", null],
    ["", null],
    ["+66 81 234 5678", null],
  ])("%s → %s", (typed, expected) => {
    expect(parseMyanmarPhone(typed)).toBe(expected);
  });
});
