import { toNumericText } from "../text/burmese-text.ts";

/**
 * `09 420 012 345`, `+95 9 420012345`, `၀၉၄၂၀၀၁၂၃၄၅` → `+959420012345`; undefined when it is not a Myanmar mobile
 * number.
 */
export function toE164Myanmar(input: string): string | undefined {
  const digits = toNumericText(input).replace(/[\s().-]/g, "");
  const national = /^(?:\+?95|0)(9\d{7,10})$/.exec(digits)?.[1];
  return national === undefined ? undefined : `+95${national}`;
}
