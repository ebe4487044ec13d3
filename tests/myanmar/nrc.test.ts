import { describe, expect, it } from "vitest";
import myanmarTools from "myanmar-tools";
import { parseNrc } from "../../core/myanmar/index.ts";
import { townshipCodes, type NrcPart } from "../../core/myanmar/nrc.ts";

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
  // C (citizen) as some English forms write it; no punctuation at all; AU for ဥ.
  ["12/OUKAMA(C)123456", "၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆"],
  ["1 HAPANA N 200000", "၁/ဟပန(နိုင်)၂၀၀၀၀၀"],
  ["12 OUKAMA NAING 123456", "၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆"],
  ["၁၂ ဥကမ နိုင် ၁၂၃၄၅၆", "၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆"],
  ["12/AUKAMA(N)123456", "၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆"],
  ["12/OUKAMA[N]123456", "၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆"],
];

const INVALID: Array<[string, NrcPart]> = [
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
    expect(parseNrc(input)).toMatchObject({ ok: true, canonical: burmese });
  });

  it.each(INVALID)("refuses %s, naming the wrong part (%s) with an example", (input, part) => {
    const parsed = parseNrc(input);
    expect(parsed).toMatchObject({ ok: false, part });
    expect(!parsed.ok && parsed.example).toContain("12/OUKAMA(N)123456");
  });

  it("shows the Latin form for English readers", () => {
    expect(parseNrc("၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆")).toMatchObject({ ok: true, latin: "12/OUKAMA(N)123456", state: 12 });
  });

  it("does not guess between two townships a Latin spelling fits: it names both", () => {
    const parsed = parseNrc("13/MASATA(N)123456");
    expect(parsed).toMatchObject({ ok: false, part: "township" });
    expect(!parsed.ok && parsed.candidates?.length).toBe(2);
    for (const code of (!parsed.ok && parsed.candidates) || [])
      expect(parseNrc(`13/${code}(N)123456`)).toMatchObject({ ok: true, township: code });
  });

  // Every (state, township) of the dataset, written on a Zawgyi keyboard (the library's own Unicode → Zawgyi).
  const zawgyi = new myanmarTools.ZawgyiConverter();
  const BURMESE = "၀၁၂၃၄၅၆၇၈၉";
  const digits = (value: string) => value.replace(/\d/g, (d) => BURMESE[Number(d)] ?? d);
  const everyCode = Array.from({ length: 14 }, (_, i) => i + 1).flatMap((state) =>
    townshipCodes(state).map((code) => ({
      state,
      code,
      unicode: `${digits(String(state))}/${code}(နိုင်)${digits("404040")}`,
    })),
  );
  const refusedZawgyi = everyCode.filter(({ unicode }) => !parseNrc(zawgyi.unicodeToZawgyi(unicode)).ok);
  const chin = everyCode.filter(({ state }) => state === 4);
  const title = `reads all ${everyCode.length} township codes typed in Zawgyi (${chin.length} in Chin State, state 4)`;
  it(`${title}: ${refusedZawgyi.length} refused`, () => {
    expect(refusedZawgyi.map(({ unicode }) => unicode)).toEqual([]);
    for (const { unicode } of chin)
      expect(parseNrc(zawgyi.unicodeToZawgyi(unicode))).toMatchObject({ ok: true, canonical: unicode });
  });
});
