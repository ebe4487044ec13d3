import { QueueEvents } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoCatalog } from "../../core/demo/seed-catalog.ts";
import { invoiceModel, type InvoiceDoc } from "../../core/payments/invoice-service.ts";
import { NOTIFY_QUEUES } from "../../jobs/notifications/notify-queues.ts";
import { RECONCILE_QUEUE, reconcileQueueDefinition } from "../../jobs/payments/reconcile-job.ts";
import { startWorkers, type Workers } from "../../jobs/worker-bootstrap.ts";
import { signedCallback } from "../../webhooks/sandbox-gateway/signed-callbacks.ts";
import { FakeGateways } from "../fakes/fake-gateways.ts";
import { testLogger, type TestApp } from "../helpers/test-runtime.ts";
import { billingApp, hireAt, KBZ_KEY } from "../helpers/billing.ts";

/**
 * A reward released by a gateway callback (web process) and one released by the reconciliation (worker process)
 * are told to the referrer through the same notifier: both wait out the quiet hours, until 07:00 Yangon.
 */
let t: TestApp;
let gateways: FakeGateways;
let workers: Workers;
let events: QueueEvents;
// 22:30 in Yangon (UTC+06:30): inside the default quiet hours, 22:00-07:00.
let clock = new Date("2026-11-30T16:00:00Z");
const SEVEN_AM_YANGON = new Date("2026-12-01T00:30:00Z").getTime();

/** The queued delivery of the referrer's "reward released" notice: when it may leave. */
async function releasedNoticeDelay(invoice: InvoiceDoc): Promise<number | undefined> {
  const key = `reward:${invoice.referralId}:0:released`;
  const job = await t.runtime.queues.get(NOTIFY_QUEUES.telegram).getJob(encodeURIComponent(key));
  return job?.opts.delay;
}

beforeAll(async () => {
  gateways = await new FakeGateways(KBZ_KEY).start();
  t = await billingApp(gateways, { QUIET_HOURS: "22:00-07:00" }, () => clock);
  await seedDemoCatalog(t.runtime.mongo, clock);
  await t.core.catalog.refresh();
  // The worker side, as the worker process runs it: the reconciliation queue's own worker on the same core.
  const connection = t.runtime.redis.duplicate({ maxRetriesPerRequest: null });
  workers = startWorkers({
    connection,
    prefix: t.runtime.config.redis.prefix,
    definitions: [reconcileQueueDefinition()],
    queues: t.runtime.queues,
    deps: { core: t.core, config: t.runtime.config, redis: t.runtime.redis, senders: {} },
    logger: testLogger(),
  });
  events = new QueueEvents(RECONCILE_QUEUE, { connection, prefix: t.runtime.config.redis.prefix });
  t.runtime.shutdown.add("drain", "reconcile worker", async () => {
    await events.close();
    await workers.close();
    connection.disconnect();
  });
});
afterAll(async () => {
  await t.close();
  await gateways.stop();
});

describe("quiet hours, whichever process releases a reward", () => {
  it("a reward released by a callback and one by the reconciliation both wait until 07:00 Yangon", async () => {
    const byCallback = await hireAt(t, "kbzpay");
    const byReconciliation = await hireAt(t, "kbzpay");
    gateways.paid.set(byCallback._id, byCallback.amount);
    gateways.paid.set(byReconciliation._id, byReconciliation.amount);

    // Web: the gateway's signed callback at 22:30.
    const answer = await t.app.inject({
      method: "POST",
      url: "/webhooks/kbzpay",
      headers: { "content-type": "application/json" },
      payload: signedCallback("kbzpay", byCallback, "paid", t.runtime.config.gateways),
    });
    expect(answer.statusCode).toBe(200);
    const callbackDelay = await releasedNoticeDelay(byCallback);
    expect(callbackDelay).toBe(SEVEN_AM_YANGON - clock.getTime());

    // Worker: an hour later (23:30) the scheduled reconciliation finds the other payment.
    clock = new Date(clock.getTime() + 3600_000);
    const job = await t.runtime.queues.get(RECONCILE_QUEUE).add("now", {});
    await job.waitUntilFinished(events, 20_000);
    expect(await invoiceModel(t.runtime.mongo).findById(byReconciliation._id).lean()).toMatchObject({
      status: "paid",
    });
    const reconcileDelay = await releasedNoticeDelay(byReconciliation);
    expect(reconcileDelay).toBe(SEVEN_AM_YANGON - clock.getTime());
    // Both leave at the same moment: 07:00 Yangon.
    expect(clock.getTime() + (reconcileDelay ?? 0)).toBe(clock.getTime() - 3600_000 + (callbackDelay ?? 0));
  });
});
