import { catalogModels } from "../../core/catalog/catalog-models.ts";
import { invoiceModel, type Gateway, type InvoiceDoc } from "../../core/payments/invoice-service.ts";
import { buildTestApp, testConfig, type TestApp } from "./test-runtime.ts";
import type { FakeGateways } from "../fakes/fake-gateways.ts";

export const KBZ_KEY = "test-kbz-app-key";
let n = 0;

/** An app whose rewards are released by paid invoices, with KBZPay and AYA Pay answered by the fake gateways. */
export function billingApp(
  gateways: FakeGateways,
  env: Record<string, string> = {},
  clock?: () => Date,
): Promise<TestApp> {
  return buildTestApp({
    config: testConfig({
      REWARDS_RELEASE: "invoice",
      PUBLIC_URL: "https://trm.example",
      KBZPAY_APP_KEY: KBZ_KEY,
      KBZPAY_API_ROOT: `${gateways.url}/kbz`,
      AYAPAY_API_ROOT: `${gateways.url}/aya`,
      ...env,
    }),
    ...(clock === undefined ? {} : { clock }),
  });
}

/**
 * A referral moved all the way to hired at a demo company billed through `gateway`, by a new referrer with a
 * Telegram chat; returns the invoice the hire created.
 */
export async function hireAt(t: TestApp, gateway: Gateway): Promise<InvoiceDoc> {
  const { core } = t;
  const referrer = await core.users.resolve({
    channel: "tg",
    externalId: String(7_700_000 + ++n),
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
    candidate: { name: "Candidate", phone: `+95997${String(7_000_000 + n)}` },
    candidateUserId: null,
    relationship: "friend",
    cvMediaId: null,
  });
  for (const to of ["screening", "interview", "offered", "hired"] as const)
    await core.referrals.move(referral._id, to, { userId: "URECRUIT", as: "recruiter" });
  const invoice = await invoiceModel(t.runtime.mongo).findOne({ referralId: referral._id }).lean<InvoiceDoc>();
  if (invoice === null) throw new Error(`no invoice for ${referral._id}`);
  return invoice;
}
