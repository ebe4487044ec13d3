import { QueueEvents } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalogModels } from "../../core/catalog/catalog-models.ts";
import { seedDemoCatalog } from "../../core/demo/seed-catalog.ts";
import { invoiceModel, type Gateway, type InvoiceDoc } from "../../core/payments/invoice-service.ts";
import { NOTIFY_QUEUES } from "../../jobs/notifications/notify-queues.ts";
import { RECONCILE_QUEUE, reconcileQueueDefinition } from "../../jobs/payments/reconcile-job.ts";
import { startWorkers, type Workers } from "../../jobs/worker-bootstrap.ts";
import { signedCallback } from "../../webhooks/sandbox-gateway/signed-callbacks.ts";
import { FakeGateways } from "../fakes/fake-gateways.ts";
import { buildTestApp, testConfig, testLogger, type TestApp } from "../helpers/test-runtime.ts";

/**
 * A reward released by a gateway callback (web process) and one released by the reconciliation (worker process)
 * are told to the referrer through the same notifier: both wait out the quiet hours, until 07:00 Yangon.
 */
let t: TestApp;
let gateways: FakeGateways;
let workers: Workers;
let events: QueueEvents;
let n = 0;
// 22:30 in Yangon (UTC+06:30): inside the default quiet hours, 22:00-07:00.
let clock = new Date("2026-11-30T16:00:00Z");
const SEVEN_AM_YANGON = new Date("2026-12-01T00:30:00Z").getTime();
const KBZ_KEY = "test-kbz-app-key";

async function hire(gateway: Gateway): Promise<InvoiceDoc> {
  const { core } = t;
  const referrer = await core.users.resolve({
    channel: "tg",
    externalId: String(770_000 + ++n),
    transport: "telegram",
    profile: { name: "Referrer" },
  });
  const company = (await catalogModels(t.runtime.mongo).Company.find().lean()).find(
    (candidate) => candidate.billing?.gateway === gateway,
  );
  const job = await catalogModels(t.runtime.mongo).Job.findOne({ companyId: company?._id, status: "open" }).lean();
  const referral = await core.referrals.submit({
    jobId: job?._id ?? "",
    referrerId: referrer.user._id,
    submittedBy: referrer.user._id,
    source: "submitted",
    candidate: { name: "Candidate", phone: `+95997${String(8_000_000 + n)}` },
    candidateUserId: null,
    relationship: "friend",
    cvMediaId: null,
  });
  for (const to of ["screening", "interview", "offered", "hired"] as const)
    await core.referrals.move(referral._id, to, { userId: "URECRUIT", as: "recruiter" });
  const invoice = await invoiceModel(t.runtime.mongo).findOne({ referralId: referral._id }).lean<InvoiceDoc>();
  expect(invoice).not.toBeNull();
  return invoice as InvoiceDoc;
}

/** The queued delivery of the referrer's "reward released" notice: when it may leave. */
async function releasedNoticeDelay(invoice: InvoiceDoc): Promise<number | undefined> {
  const key = `reward:${invoice.referralId}:0:released`;
  const job = await t.runtime.queues.get(NOTIFY_QUEUES.telegram).getJob(encodeURIComponent(key));
  return job?.opts.delay;
}

beforeAll(async () => {
  gateways = await new FakeGateways(KBZ_KEY).start();
  t = await buildTestApp({
    config: testConfig({
      REWARDS_RELEASE: "invoice",
      PUBLIC_URL: "https://trm.example",
      KBZPAY_APP_KEY: KBZ_KEY,
      KBZPAY_API_ROOT: `${gateways.url}/kbz`,
      AYAPAY_API_ROOT: `${gateways.url}/aya`,
      QUIET_HOURS: "22:00-07:00",
    }),
    clock: () => clock,
  });
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
  it(
    "a reward released by a callback and one released " + "by the reconciliation both wait until 07:00 Yangon",
    async () => {
      const byCallback = await hire("kbzpay");
      const byReconciliation = await hire("kbzpay");
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
    },
  );
});
