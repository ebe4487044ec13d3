import { describe, expect, it } from "vitest";
import { nrcBurmese, nrcLatin, parseNrc, type NrcProblem } from "../../core/kyc/nrc.ts";

/** Valid numbers as people type them → the canonical Burmese form stored. */
const VALID: Array<[string, string]> = [
  ["12/OUKAMA(N)123456", "၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆"],
  ["၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆", "၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆"],
  ["12 / OuKaMa (NAING) 123456", "၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆"],
  ["12/UKAMA(N)123456", "၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆"],
  ["၁၂ / ဥကမ (န) ၁၂၃၄၅၆", "၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆"],
  ["12/ဥကမ(N)၁၂၃၄၅၆", "၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆"],
  // Zawgyi: နိုင် typed as ႏိုင္.
  ["၁၂/ဥကမ(ႏိုင္)၁၂၃၄၅၆", "၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆"],
  ["၉/မထလ(ႏိုင္)၀၀၀၁၂၃", "၉/မထလ(နိုင်)၀၀၀၁၂၃"],
  ["9/MAHTALA(N)000123", "၉/မထလ(နိုင်)၀၀၀၁၂၃"],
  // The same code in different states: Pyay (7), Pauk (8), Pyinmana (9), Paung (10).
  ["7/PAMANA(N)111111", "၇/ပမန(နိုင်)၁၁၁၁၁၁"],
  ["10/PAMANA(E)222222", "၁၀/ပမန(ဧည့်)၂၂၂၂၂၂"],
  // Digit zero typed for the letter wa inside a code, and wa typed for zero in the number.
  ["1/ပ၀န(နိုင်)ဝ12345", "၁/ပဝန(နိုင်)၀၁၂၃၄၅"],
  ["14/HATHATA(P)654321", "၁၄/ဟသတ(ပြု)၆၅၄၃၂၁"],
  ["13/TAKANA(N)123123", "၁၃/တကန(နိုင်)၁၂၃၁၂၃"],
  ["5/SAKANA(T)100200", "၅/စကန(သာသနာ)၁၀၀၂၀၀"],
  ["12/DAGAMA(Y)300400", "၁၂/ဒဂမ(ယာယီ)၃၀၀၄၀၀"],
  ["12/AHSANA(S)500600", "၁၂/အစန(စ)၅၀၀၆၀၀"],
];

const INVALID: Array<[string, NrcProblem]> = [
  ["12-OUKAMA-N-123456", "format"],
  ["OUKAMA(N)123456", "format"],
  ["", "format"],
  ["0/OUKAMA(N)123456", "state"],
  ["15/ZABATHA(N)123456", "state"],
  ["၁၅/ဇဗသ(နိုင်)၁၂၃၄၅၆", "state"],
  ["13/PAMANA(N)123456", "township"],
  ["12/XYZ(N)123456", "township"],
  ["၁၂/ပမန(နိုင်)၁၂၃၄၅၆", "township"],
  ["12/OUKAMA(X)123456", "type"],
  ["12/OUKAMA(NN)123456", "type"],
  ["12/OUKAMA(N)12345", "number"],
  ["12/OUKAMA(N)1234567", "number"],
  ["၁၂/ဥကမ(နိုင်)၁၂၃၄၅A", "number"],
];

describe("NRC numbers", () => {
  it.each(VALID)("reads %s as %s", (input, burmese) => {
    const parsed = parseNrc(input);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(nrcBurmese(parsed.nrc)).toBe(burmese);
  });

  it.each(INVALID)("refuses %s, naming the wrong part (%s)", (input, problem) => {
    expect(parseNrc(input)).toEqual({ ok: false, problem });
  });

  it("shows the Latin form for English readers", () => {
    const parsed = parseNrc("၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆");
    expect(parsed.ok && nrcLatin(parsed.nrc)).toBe("12/OUKAMA(N)123456");
  });
});
