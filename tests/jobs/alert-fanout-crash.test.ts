import { alertDayKey } from "../../core/catalog/alert-fanout.ts";
import { yangonDay } from "../../core/values/yangon-time.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoCatalog } from "../../core/demo/seed-catalog.ts";
import { catalogModels } from "../../core/catalog/catalog-models.ts";
import { notificationModel } from "../../core/notifications/notification-service.ts";
import { injectDatabaseFaults } from "../helpers/db-faults.ts";
import { seedUsers } from "../helpers/seed-users.ts";
import { subscribeToAlerts } from "../helpers/alert-subscribers.ts";
import { buildTestApp, testConfig, type TestApp } from "../helpers/test-runtime.ts";

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ config: testConfig({ ALERTS_PER_DAY: "5", QUIET_HOURS: "off" }) });
  await seedDemoCatalog(t.runtime.mongo);
  await t.core.catalog.refresh();
});
afterAll(() => t.close());

describe("job alert fan-out after a crash", () => {
  it("a fan-out cut off after deciding who to alert alerts them all when it runs again, each once", async () => {
    const { identities } = await seedUsers(t.runtime.mongo, { count: 80, idPrefix: "FC", tgBase: 8_730_000 });
    const subscribers = identities.filter((identity) => identity._id.startsWith("tg:"));
    const job = await catalogModels(t.runtime.mongo).Job.findOne({ status: "open" }).lean();
    if (job === null) throw new Error("no open job");
    const prefix = t.runtime.config.redis.prefix;
    await subscribeToAlerts(t, subscribers, job);
    const data = {
      jobId: job._id,
      texts: { telegram: { en: "New job", my: "အလုပ်သစ်" } },
      digest: { title: { en: "{{count}} more", my: "{{count}}" }, line: { en: "{{title}}", my: "{{title}}" } },
    };
    // The worker decides who to alert, then dies as the records are written (the database refuses the bulk insert).
    const faults = injectDatabaseFaults((method) => (method === "insertMany" ? "before" : null));
    await expect(t.core.alertFanOut.fanOut(data)).rejects.toThrow(/injected fault/);
    faults.disarm();
    expect(await notificationModel(t.runtime.mongo).countDocuments({ _id: { $regex: `^alert:${job._id}:` } })).toBe(0);
    // BullMQ runs the job again: everyone decided is alerted (before, they counted as done and nobody was).
    const again = await t.core.alertFanOut.fanOut(data);
    expect(again.alerted).toBe(subscribers.length);
    // And a third run alerts nobody twice, nor counts them against their daily cap twice.
    expect((await t.core.alertFanOut.fanOut(data)).alerted).toBe(0);
    expect(await notificationModel(t.runtime.mongo).countDocuments({ _id: { $regex: `^alert:${job._id}:` } })).toBe(
      subscribers.length,
    );
    // One count per person in the day's hash, each 1.
    const counts = Object.values(await t.runtime.redis.hgetall(alertDayKey(prefix, yangonDay(t.core.clock()))));
    expect(counts).toHaveLength(subscribers.length);
    expect(new Set(counts)).toEqual(new Set(["1"]));
  });
});
