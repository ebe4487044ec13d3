import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFileFetcher } from "../../bots/channels/file-fetchers.ts";
import { seedDemoCatalog } from "../../core/demo/seed-catalog.ts";
import { kycModels } from "../../core/kyc/kyc-models.ts";
import { parseNrc } from "../../core/myanmar/index.ts";
import { manualDisbursement } from "../../core/payouts/disbursement.ts";
import type { InvoiceDoc } from "../../core/payments/invoice-service.ts";
import { samplePng } from "../../webhooks/sandbox-page/sample-images.ts";
import { signedCallback } from "../../webhooks/sandbox-gateway/signed-callbacks.ts";
import { EventHub } from "../../core/events/event-hub.ts";
import { BusinessCounters } from "../../core/metrics/business-counters.ts";
import { hireAt } from "../helpers/billing.ts";
import { truckDriverJob } from "../helpers/job-fixture.ts";
import { buildTestApp, testConfig, type TestApp } from "../helpers/test-runtime.ts";

/**
 * Each business counter on /metrics moves when its action is performed through the real services and routes, and
 * only once however often the action's event is announced again.
 */
let t: TestApp;
const FINANCE = { userId: "UFINANCE", role: "finance" as const, channel: "tg" as const };
const REVIEWER = { userId: "UREVIEW1", role: "reviewer" as const, channel: "tg" as const };
let n = 0;

/** `name{labels} value` lines of one scrape, as a map. */
async function scrape(): Promise<Map<string, number>> {
  const response = await t.app.inject({ method: "GET", url: "/metrics" });
  expect(response.statusCode).toBe(200);
  const series = new Map<string, number>();
  for (const line of response.body.split("\n")) {
    const match = /^([a-z_]+(?:\{[^}]*\})?) (-?[\d.e+]+)$/.exec(line);
    if (match !== null) series.set(match[1] ?? "", Number(match[2]));
  }
  return series;
}

/** What the action changed: every series whose value moved, with how much. */
async function moves(action: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = await scrape();
  await action();
  const after = await scrape();
  const changed: Record<string, number> = {};
  for (const [name, value] of after) {
    if (!/_total|money_held|payment_callback_duration_seconds_count/.test(name)) continue;
    if (/^(http_|process_|nodejs_|channel_)/.test(name)) continue;
    const delta = value - (before.get(name) ?? 0);
    if (delta !== 0) changed[name] = delta;
  }
  return changed;
}

const callback = (invoice: InvoiceDoc, outcome: "paid" | "failed") =>
  t.app.inject({
    method: "POST",
    url: "/webhooks/wavepay",
    headers: { "content-type": "application/json" },
    payload: signedCallback("wavepay", invoice, outcome, t.runtime.config.gateways),
  });

async function approvedPerson(userId: string): Promise<void> {
  await kycModels(t.runtime.mongo).State.create({
    _id: userId,
    status: "approved",
    submissionId: null,
    attempts: 1,
    updatedAt: new Date(),
  });
  await t.core.wallet.credit(userId, "available", 100_000, `seed:${userId}`, { code: "adjustment", params: {} });
}

const request = (userId: string) =>
  t.core.payouts.request({
    userId,
    amount: 10_000,
    provider: "kbzpay",
    walletPhone: "+959420000001",
    nonce: `NMETRIC${String(++n).padStart(5, "0")}`,
  });

async function kycDocuments(userId: string) {
  const ids: string[] = [];
  for (const side of [500, 520, 540]) {
    const ref = `metrics-kyc-${++n}`;
    await t.runtime.redis.set(`${t.runtime.config.redis.prefix}:sandbox:file:${ref}`, samplePng(side, side), "EX", 600);
    const id = await t.core.media.vault.register({
      ownerId: userId,
      purpose: "kyc",
      transport: "sandbox",
      fileRef: `sandbox:${ref}`,
      rejectNotice: { en: "x", my: "x" },
    });
    await t.core.media.vault.ingest(id, createFileFetcher(t.runtime.config, t.runtime.redis));
    ids.push(id);
  }
  return { front: ids[0] ?? "", back: ids[1] ?? "", selfie: ids[2] ?? "" };
}

async function submitKyc(userId: string, number: string) {
  const parsed = parseNrc(number);
  if (!parsed.ok) throw new Error(`bad NRC ${number}`);
  const { state, township, type, number: digits } = parsed;
  return t.core.kyc.submit(userId, {
    nrc: { state, township, type, number: digits },
    fullName: "Aung Aung",
    dateOfBirth: "1990-12-31",
    documents: await kycDocuments(userId),
  });
}

beforeAll(async () => {
  t = await buildTestApp({
    config: testConfig({ REWARDS_RELEASE: "invoice", PUBLIC_URL: "https://trm.example", QUIET_HOURS: "off" }),
  });
  await seedDemoCatalog(t.runtime.mongo, new Date());
  await t.core.catalog.refresh();
});
afterAll(() => t.close());

describe("business counters on /metrics", () => {
  it("registrations by channel, once per person", async () => {
    const contact = (channel: "tg" | "vb", externalId: string) =>
      t.core.users.resolve({
        channel,
        externalId,
        transport: channel === "tg" ? "telegram" : "viber",
        profile: { name: "A" },
      });
    expect(await moves(() => contact("tg", "5550001"))).toEqual({ 'registrations_total{channel="tg"}': 1 });
    expect(await moves(() => contact("vb", "metricsViber01A=="))).toEqual({ 'registrations_total{channel="vb"}': 1 });
    expect(await moves(() => contact("tg", "5550001"))).toEqual({});
  });

  it("a hire: referral submitted, hired, invoice created; paid: invoice paid, rewards released, kyat", async () => {
    let invoice: InvoiceDoc | undefined;
    const hired = await moves(async () => (invoice = await hireAt(t, "wavepay")));
    expect(hired).toMatchObject({
      referrals_submitted_total: 1,
      hires_total: 1,
      'invoices_created_total{gateway="wavepay"}': 1,
      'registrations_total{channel="tg"}': 1,
    });
    if (invoice === undefined) throw new Error("no invoice");
    const owed = invoice;
    const failed = await moves(() => callback(owed, "failed"));
    expect(failed).toMatchObject({ 'invoice_payments_failed_total{gateway="wavepay"}': 1 });
    expect(failed['payment_callback_duration_seconds_count{gateway="wavepay",result="taken"}']).toBe(1);
    const paid = await moves(async () => {
      expect((await callback(owed, "paid")).statusCode).toBe(200);
    });
    expect(paid).toMatchObject({ 'invoices_paid_total{gateway="wavepay"}': 1, rewards_released_total: 1 });
    expect(paid.rewards_released_kyat_total).toBe(owed.bonus);
    // The gateway's repeat of the same success settles nothing more.
    const repeat = await moves(() => callback(owed, "paid"));
    expect(Object.keys(repeat).filter((name) => !name.startsWith("payment_callback_duration"))).toEqual([]);
  });

  it("payouts: requested, approved, paid, rejected; the money held in flight follows", async () => {
    await approvedPerson("UMETRIC1");
    const first = await request("UMETRIC1");
    const second = await request("UMETRIC1");
    expect((await scrape()).get('money_held_kyat{kind="payouts_in_flight"}')).toBe(20_000);
    const inFlight = 'money_held_kyat{kind="payouts_in_flight"}';
    const owed = 'money_held_kyat{kind="owed_to_people"}';
    expect(await moves(() => request("UMETRIC1"))).toEqual({ payouts_requested_total: 1, [inFlight]: 10_000 });
    expect(await moves(() => t.core.payouts.approve(first._id, FINANCE, manualDisbursement))).toEqual({
      payouts_approved_total: 1,
    });
    // Paid: the money left the platform; rejected: it went back to the person (still owed to them).
    expect(await moves(() => t.core.payouts.markPaid(first._id, FINANCE, "KBZ1"))).toEqual({
      payouts_paid_total: 1,
      [inFlight]: -10_000,
      [owed]: -10_000,
    });
    const rejected = await moves(() => t.core.payouts.reject(second._id, FINANCE, "wrong wallet"));
    expect(rejected).toEqual({ 'payouts_failed_total{outcome="rejected"}': 1, [inFlight]: -10_000 });
  });

  it("KYC: submitted, approved and rejected", async () => {
    let submission: Awaited<ReturnType<typeof submitKyc>> | undefined;
    expect(await moves(async () => (submission = await submitKyc("UMETKYC1", "12/OUKAMA(N)123456")))).toEqual({
      kyc_submitted_total: 1,
    });
    const approved = submission;
    if (approved === undefined) throw new Error("no submission");
    expect(await moves(() => t.core.kyc.decide(approved._id, REVIEWER, "approved"))).toEqual({
      'kyc_decided_total{outcome="approved"}': 1,
    });
    const other = await submitKyc("UMETKYC2", "12/OUKAMA(N)654321");
    expect(await moves(() => t.core.kyc.decide(other._id, REVIEWER, "rejected", "blurry"))).toEqual({
      'kyc_decided_total{outcome="rejected"}': 1,
    });
  });

  it("support tickets opened and resolved, by priority", async () => {
    const agent = { userId: "UAGENTM1", role: "support" as const, channel: "tg" as const };
    let id = "";
    const opened = await moves(async () => {
      id = (
        await t.core.support.open({
          userId: "UMETRIC1",
          channel: "tg",
          language: "en",
          topic: "payment",
          text: "My withdrawal has not arrived",
          mediaId: null,
        })
      )._id;
    });
    expect(opened).toEqual({ 'tickets_opened_total{priority="P2"}': 1 });
    await t.core.support.take(id, agent);
    expect(await moves(() => t.core.support.resolve(id, agent, "Paid"))).toEqual({
      'tickets_resolved_total{priority="P2"}': 1,
    });
  });

  it("jobs published; a repeated publication is refused and counts nothing", async () => {
    const job = truckDriverJob({ _id: "JMETR22" });
    expect(await moves(() => t.core.catalog.publish(job))).toEqual({ jobs_published_total: 1 });
    await expect(t.core.catalog.publish(job)).rejects.toThrow();
    expect(await moves(async () => undefined)).toEqual({});
  });

  it("counts what another process announces (the worker), once however often it is announced", async () => {
    const worker = new EventHub();
    new BusinessCounters(t.runtime.redis, t.runtime.config.redis.prefix).subscribe(worker);
    const payout = { ...(await request("UMETRIC1")), status: "paid" as const };
    await approvedPerson("UMETRIC9");
    const announced = () => worker.emit("payout.paid", { payout });
    expect(await moves(announced)).toEqual({ payouts_paid_total: 1 });
    expect(await moves(announced)).toEqual({});
  });
});
