/**
 * One line per headline figure, for `npm run bench`'s closing table: each benchmark calls {@link summary} for what it
 * measured against the goal it is held to; run-all collects the lines from every benchmark's output.
 */
export const SUMMARY_MARK = "@@summary ";

export interface SummaryRow {
  figure: string;
  value: number;
  unit: string;
  /** The goal, e.g. "≤ 512" or "≥ 555"; empty when the figure is for information. */
  goal: string;
  /** value ÷ goal's number (or the comparison the figure is about), when there is one. */
  ratio?: number | undefined;
  /** Whether the figure meets its goal (undefined: no goal). */
  met?: boolean | undefined;
}

export function summary(row: SummaryRow): void {
  console.log(`${SUMMARY_MARK}${JSON.stringify(row)}`);
}

/** A goal such as `≤ 512` or `≥ 0.8`, checked. */
export function goal(value: number, comparison: "<=" | ">=", target: number): Pick<SummaryRow, "goal" | "met"> {
  return {
    goal: `${comparison === "<=" ? "≤" : "≥"} ${target}`,
    met: comparison === "<=" ? value <= target : value >= target,
  };
}
