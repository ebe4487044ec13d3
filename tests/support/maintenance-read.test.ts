import { Collection } from "mongodb";
import mongoose from "mongoose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTranslator } from "../../core/i18n/translator.ts";
import { MaintenanceService } from "../../core/maintenance/maintenance-service.ts";
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

describe("the maintenance window while the database is away", () => {
  it("lets updates go on with the window last known, within a second, instead of failing them", async () => {
    // A database nobody answers at (nothing listens on port 9): the read can only time out or fail.
    const away = mongoose.createConnection("mongodb://127.0.0.1:9/away", { serverSelectionTimeoutMS: 300 });
    away.asPromise().catch(() => undefined);
    const unused = async () => undefined;
    const service = new MaintenanceService({
      connection: away,
      notifier: t.core.notifier,
      translator: await createTranslator(),
      audit: t.core.audit,
      queue: { scheduleNotice: unused, scheduleEnd: unused, endNow: unused },
      callbacks: () => t.core.callbacks,
      now: () => new Date(),
    });
    try {
      const started = Date.now();
      const answers = await Promise.all(Array.from({ length: 5 }, () => service.active()));
      expect(answers).toEqual([null, null, null, null, null]);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await away.close();
    }
  });
});
