import { Collection } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../helpers/test-runtime.ts";

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ definitions: [] });
});
afterAll(() => t.close());

/** Counts the driver's findOne calls on one collection while `work` runs (the database itself is real). */
async function findOnes(collection: string, work: () => Promise<unknown>): Promise<number> {
  const prototype = Collection.prototype as unknown as { findOne: (...args: unknown[]) => unknown };
  const original = prototype.findOne;
  let calls = 0;
  prototype.findOne = function (this: { collectionName: string }, ...args: unknown[]) {
    if (this.collectionName === collection) calls++;
    return original.apply(this, args);
  };
  try {
    await work();
  } finally {
    prototype.findOne = original;
  }
  return calls;
}

describe("the maintenance window, asked on every update", () => {
  it("is read once for all the updates that find the process's memory of it stale at the same moment", async () => {
    const later = new Date(Date.now() + 3_600_000);
    const reads = await findOnes("maintenance_windows", async () => {
      const answers = await Promise.all(Array.from({ length: 20 }, () => t.core.maintenance.active(later)));
      expect(answers.every((window) => window === null)).toBe(true);
    });
    expect(reads).toBe(1);
  });
});
