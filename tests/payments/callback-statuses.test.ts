import getPort from "get-port";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoCatalog } from "../../core/demo/seed-catalog.ts";
import { invoiceModel, type InvoiceDoc } from "../../core/payments/invoice-service.ts";
import { signedCallback } from "../../webhooks/sandbox-gateway/signed-callbacks.ts";
import { hireAt, KBZ_KEY } from "../helpers/billing.ts";
import { buildTestApp, testConfig, type TestApp } from "../helpers/test-runtime.ts";

/** KBZPay's API root points at a port nothing listens on: every status query fails to connect. */
let t: TestApp;

const post = (payload: string) =>
  t.app.inject({ method: "POST", url: "/webhooks/kbzpay", headers: { "content-type": "application/json" }, payload });

beforeAll(async () => {
  const closed = await getPort({ host: "127.0.0.1" });
  t = await buildTestApp({
    config: testConfig({
      REWARDS_RELEASE: "invoice",
      PUBLIC_URL: "https://trm.example",
      KBZPAY_APP_KEY: KBZ_KEY,
      KBZPAY_API_ROOT: `http://127.0.0.1:${closed}/kbz`,
    }),
  });
  await seedDemoCatalog(t.runtime.mongo, new Date());
  await t.core.catalog.refresh();
});
afterAll(() => t.close());

describe("callback statuses when the gateway cannot be asked", () => {
  it("a success KBZPay cannot confirm (query unreachable): 503 not_confirmed, Retry-After, no effect", async () => {
    const invoice = await hireAt(t, "kbzpay");
    const answer = await post(signedCallback("kbzpay", invoice, "paid", t.runtime.config.gateways));
    expect(answer.statusCode).toBe(503);
    expect(answer.headers["retry-after"]).toBe("60");
    expect(answer.json()).toMatchObject({ error: { code: "not_confirmed" } });
    expect(await invoiceModel(t.runtime.mongo).findById(invoice._id).lean()).toMatchObject({ status: "pending" });
  });

  it("a signed callback for an invoice we never issued: 404 unknown_order, without asking the gateway", async () => {
    const never: Pick<InvoiceDoc, "_id" | "amount"> = { _id: "INVR9999999", amount: 120_000 };
    const answer = await post(signedCallback("kbzpay", never, "paid", t.runtime.config.gateways));
    expect(answer.statusCode).toBe(404);
    expect(answer.json()).toMatchObject({ error: { code: "unknown_order" } });
  });
});
