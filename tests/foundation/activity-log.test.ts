import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activityModel } from "../../core/users/activity-days.ts";
import { buildTestApp, type TestApp } from "../helpers/test-runtime.ts";

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ definitions: [] });
});
afterAll(() => t.close());

describe("days of activity, buffered", () => {
  it("are written in one batch, a first contact first; a day already written changes nothing", async () => {
    const now = new Date("2026-12-02T03:00:00Z");
    const model = activityModel(t.runtime.mongo);
    await t.core.activity.record({ userId: "UACT0001", channel: "tg", now, joined: true });
    await t.core.activity.record({ userId: "UACT0001", channel: "tg", now, joined: false });
    await t.core.activity.record({ userId: "UACT0002", channel: "vb", now, joined: false });
    // Nothing is in the database until the worker's flush.
    expect(await model.countDocuments({ userId: { $in: ["UACT0001", "UACT0002"] } })).toBe(0);
    expect(await t.core.activity.flush()).toBe(3);
    const docs = await model
      .find({ userId: { $in: ["UACT0001", "UACT0002"] } })
      .sort({ _id: 1 })
      .lean();
    expect(docs.map((doc) => [doc._id, doc.channel, doc.joined])).toEqual([
      ["2026-12-02:UACT0001", "tg", true],
      ["2026-12-02:UACT0002", "vb", false],
    ]);
    // A day already written (another process's record of the same turn day) and a new one in the same batch.
    await t.core.activity.record({ userId: "UACT0002", channel: "vb", now, joined: false });
    await t.core.activity.record({ userId: "UACT0003", channel: "tg", now, joined: false });
    expect(await t.core.activity.flush()).toBe(2);
    expect(await model.countDocuments({ userId: { $in: ["UACT0001", "UACT0002", "UACT0003"] } })).toBe(3);
    expect(await t.core.activity.flush()).toBe(0);
  });
});
