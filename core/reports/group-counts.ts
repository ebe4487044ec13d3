import type { Model, PipelineStage } from "mongoose";

/**
 * Aggregation helpers that hold on FerretDB 1.24 as on MongoDB. Each `$group` has exactly one accumulator: FerretDB
 * 1.24 answers a second accumulator in the same `$group` with 0 (`{ n: { $sum: 1 }, amount: { $sum: "$amount" } }`
 * gives `n: 0`), and has no `$dateToString`, `$cond`, `$floor` or `$facet`, so dates are bucketed after a `$match` on
 * the range and a `$project` (inclusion only) of the few fields needed.
 */
export async function countBy<T>(
  model: Model<T>,
  match: Record<string, unknown>,
  key: Record<string, string> | string,
  unwind?: string,
): Promise<Array<{ key: Record<string, string> | string; n: number }>> {
  const pipeline: PipelineStage[] = [{ $match: match }];
  if (unwind !== undefined) pipeline.push({ $unwind: unwind });
  pipeline.push({ $group: { _id: key, n: { $sum: 1 } } });
  const rows = await model.aggregate<{ _id: Record<string, string> | string; n: number }>(pipeline).exec();
  return rows.map((row) => ({ key: row._id, n: row.n }));
}

/** The sum of one numeric field over the matching documents. */
export async function sumOf<T>(model: Model<T>, match: Record<string, unknown>, field: string): Promise<number> {
  const rows = await model
    .aggregate<{ total: number }>([{ $match: match }, { $group: { _id: null, total: { $sum: `$${field}` } } }])
    .exec();
  return rows[0]?.total ?? 0;
}

/** The matching documents' date (and amount, when asked) only: for bucketing by week outside the database. */
export async function datesOf<T>(
  model: Model<T>,
  match: Record<string, unknown>,
  dateField: string,
  amountField?: string,
): Promise<Array<{ at: Date; amount: number }>> {
  // Inclusion only: FerretDB 1.24 does not evaluate a field path (`at: "$paidAt"`) in `$project`.
  const project: Record<string, 0 | 1> = { _id: 0, [dateField]: 1 };
  if (amountField !== undefined) project[amountField] = 1;
  const rows = await model.aggregate<Record<string, unknown>>([{ $match: match }, { $project: project }]).exec();
  return rows.map((row) => ({
    at: new Date(row[dateField] as Date),
    amount: amountField === undefined ? 0 : Number(row[amountField] ?? 0),
  }));
}
