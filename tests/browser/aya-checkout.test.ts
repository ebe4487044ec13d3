import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext } from "playwright-core";
import { seedDemoCatalog } from "../../core/demo/seed-catalog.ts";
import { FakeGateways } from "../fakes/fake-gateways.ts";
import { billingApp, hireAt, KBZ_KEY } from "../helpers/billing.ts";
import { launchBrowser } from "../helpers/browser.ts";
import type { TestApp } from "../helpers/test-runtime.ts";
import { waitFor } from "../helpers/wait-for.ts";

let t: TestApp;
let gateways: FakeGateways;
let url: string;
let browser: { context: BrowserContext; close: () => Promise<void> };

beforeAll(async () => {
  gateways = await new FakeGateways(KBZ_KEY).start();
  t = await billingApp(gateways);
  await seedDemoCatalog(t.runtime.mongo, new Date());
  await t.core.catalog.refresh();
  url = await t.app.listen({ host: "127.0.0.1", port: 0 });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await gateways?.stop();
});

describe("AYA Pay checkout in headless Chromium", () => {
  it("our page posts the fields and checksum to the AYA host by itself (its CSP allows just that)", async () => {
    const invoice = await hireAt(t, "ayapay");
    const page = await browser.context.newPage();
    const blocked: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
    });
    const response = await page.goto(`${url}/pay/ayapay/${invoice._id}`);
    expect(response?.headers()["content-security-policy"]).toContain(`form-action ${gateways.url}`);
    await waitFor(() => gateways.checkouts.length > 0, 10_000, "the form post at the AYA host");
    await page.getByText("AYA Pay checkout").waitFor();
    expect(gateways.checkouts[0]).toMatchObject({
      merchOrderId: invoice._id,
      amount: String(invoice.amount),
      currencyCode: "104",
    });
    expect(gateways.checkouts[0]?.checkSum).toMatch(/^[0-9a-f]{32,}$/i);
    expect(blocked).toEqual([]);
    // Every other page keeps the strict policy.
    const health = await fetch(`${url}/health`);
    expect(health.headers.get("content-security-policy")).toContain("form-action 'self'");
  });
});
