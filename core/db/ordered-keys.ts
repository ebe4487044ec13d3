import type { Model } from "mongoose";

/**
 * The distinct values of `key` among documents matching `filter`, in the order of `sort`, at most `limit` of them (and
 * no more than `known` distinct ones exist). Stands in for `$min`/`$max`/`$first` in `$group`, which FerretDB lacks:
 * group with `$sum` for the counts, then order the groups by one sorted read that stops early.
 */
export async function orderedKeys<T>(
  model: Model<T>,
  filter: Record<string, unknown>,
  sort: Record<string, 1 | -1>,
  key: string,
  limit: number,
  known: number,
): Promise<string[]> {
  const order: string[] = [];
  const cursor = model
    .find(filter, { [key]: 1 })
    .sort(sort)
    .lean()
    .cursor();
  try {
    for await (const doc of cursor) {
      const value = String((doc as Record<string, unknown>)[key]);
      if (!order.includes(value)) order.push(value);
      if (order.length >= limit || order.length >= known) break;
    }
  } finally {
    await cursor.close();
  }
  return order;
}
