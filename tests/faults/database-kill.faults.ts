/**
 * FerretDB killed with SIGKILL four times (each time it is back, 1.5 s later; down about 15 s in all) while people
 * write to the bot, finance approves and pays withdrawals and a gateway reports payments. The supervisor brings it
 * back on the same port and data; Telegram and the gateway deliver again what was not taken, finance retries what
 * failed, and the decision sweeper runs once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoCatalog } from "../../core/demo/seed-catalog.ts";
import { kycModels } from "../../core/kyc/kyc-models.ts";
import { manualDisbursement } from "../../core/payouts/disbursement.ts";
import type { InvoiceDoc } from "../../core/payments/invoice-service.ts";
import { signedCallback } from "../../webhooks/sandbox-gateway/signed-callbacks.ts";
import { tgText } from "../fakes/telegram-updates.ts";
import { hireAt } from "../helpers/billing.ts";
import type { TelegramHarness } from "../helpers/telegram-harness.ts";
import {
  answeredWords,
  chatStream,
  counts,
  deliverUntilTaken,
  FaultClock,
  faultApp,
  report,
  sleep,
} from "./fault-kit.ts";

const CHATS = 20;
const PAYOUTS = 40;
const INVOICES = 16;
const FINANCE = { userId: "UFAULTFIN", role: "finance" as const, channel: "tg" as const };

let app: Awaited<ReturnType<typeof faultApp>>;
let fault: typeof app.fault;
let h: TelegramHarness;

beforeAll(async () => {
  app = await faultApp({ REWARDS_RELEASE: "invoice" });
  ({ fault, h } = app);
  await seedDemoCatalog(h.t.runtime.mongo, new Date());
  await h.t.core.catalog.refresh();
});
afterAll(() => app.close());

describe("FerretDB killed during a stream of updates, payouts and callbacks", () => {
  it("loses nothing, does nothing twice, leaves nothing stuck", async () => {
    const { core } = h.t;
    const people = Array.from({ length: CHATS }, (_, i) => ({
      id: 9_800_000 + i,
      first_name: `F${i}`,
      language_code: "en",
    }));
    for (const person of people) await h.post(tgText(person, "/start"));
    const payouts: string[] = [];
    for (let i = 0; i < PAYOUTS; i++) {
      const userId = `UFAULT${String(i).padStart(3, "0")}`;
      await kycModels(h.t.runtime.mongo).State.create({
        _id: userId,
        status: "approved",
        submissionId: null,
        attempts: 1,
        updatedAt: new Date(),
      });
      await core.wallet.credit(userId, "available", 50_000, `seed:${userId}`, { code: "adjustment", params: {} });
      const payout = await core.payouts.request({
        userId,
        amount: 10_000,
        provider: "kbzpay",
        walletPhone: "+959420000001",
        nonce: `NFAULT${String(i).padStart(6, "0")}`,
      });
      payouts.push(payout._id);
    }
    const invoices: InvoiceDoc[] = [];
    for (let i = 0; i < INVOICES; i++) invoices.push(await hireAt(h.t, "wavepay"));

    // The storm: every stream runs at once while FerretDB is killed four times.
    const clocks = { updates: new FaultClock(), payouts: new FaultClock(), callbacks: new FaultClock() };
    let faultsOver = false;
    const chats = chatStream(h, people, clocks.updates, () => faultsOver);
    const retried = async (step: () => Promise<unknown>, done: (code: string) => boolean) => {
      for (let attempt = 0; attempt < 90; attempt++) {
        try {
          await step();
          return;
        } catch (error) {
          if (done((error as { code?: string }).code ?? "")) return;
          clocks.payouts.failed();
          await sleep(1_000);
        }
      }
    };
    const finance = (async () => {
      for (const id of payouts) {
        await retried(
          () => core.payouts.approve(id, FINANCE, manualDisbursement),
          (code) => code === "payout_already_decided",
        );
        await retried(
          () => core.payouts.markPaid(id, FINANCE, `KBZ${id}`),
          (code) => code === "payout_already_decided",
        );
        await sleep(350);
      }
    })();
    const callbacks = invoices.map(async (invoice, i) => {
      await sleep(i * 900);
      const body = signedCallback("wavepay", invoice, "paid", h.t.runtime.config.gateways);
      return deliverUntilTaken(async () => {
        const response = await h.t.app.inject({
          method: "POST",
          url: "/webhooks/wavepay",
          headers: { "content-type": "application/json" },
          payload: body,
        });
        return response.statusCode;
      }, clocks.callbacks);
    });
    const killer = (async () => {
      await fault.killRepeatedly("FerretDB", 4, 1_500, Object.values(clocks));
      await fault.back("FerretDB");
      faultsOver = true;
    })();
    const [, , callbackResults] = await Promise.all([chats.done, finance, Promise.all(callbacks), killer]);
    await fault.back("FerretDB");
    // The decision sweeper's pass (it runs every minute in the worker).
    await core.payouts.finishStuck();
    await core.invoices.finishStuck();
    await sleep(1_000);

    // Updates: every accepted one answered exactly once.
    const replies = people.flatMap((person) => answeredWords(h.fake.textsTo(person.id)));
    const accepted = chats.accepted;
    const seen = counts(replies);
    report({
      scenario: "FerretDB kill -9 ×4: chat updates",
      accepted: accepted.size,
      lost: [...accepted].filter((key) => !seen.has(key)).length,
      duplicated: [...seen.values()].filter((times) => times > 1).length,
      stuck: chats.sent() - accepted.size,
      uncertain: 0,
      retried: clocks.updates.failures.length,
      recoveredIn: clocks.updates.recoveredIn,
    });
    // Payouts: each paid once, its money moved once.
    let payoutStuck = 0;
    let payoutTwice = 0;
    for (const id of payouts) {
      const payout = await core.payouts.find(id);
      if (payout?.status !== "paid") payoutStuck++;
      const balances = await core.wallet.balances(payout?.userId ?? "");
      if (balances.paidout !== 10_000 || balances.available + balances.held !== 40_000) payoutTwice++;
    }
    report({
      scenario: "FerretDB kill -9 ×4: payouts approved and paid",
      accepted: PAYOUTS,
      lost: 0,
      duplicated: payoutTwice,
      stuck: payoutStuck,
      uncertain: 0,
      retried: clocks.payouts.failures.length,
      recoveredIn: clocks.payouts.recoveredIn,
    });
    // Callbacks: each accepted one settled its invoice once and released its reward once.
    let invoiceStuck = 0;
    let rewardTwice = 0;
    for (const invoice of invoices) {
      const now = await core.invoices.find(invoice._id);
      if (now?.status !== "paid") invoiceStuck++;
      const referral = await core.referrals.find(invoice.referralId);
      const balances = await core.wallet.balances(referral?.referrerId ?? "");
      if (balances.available !== invoice.bonus) rewardTwice++;
    }
    report({
      scenario: "FerretDB kill -9 ×4: payment callbacks",
      accepted: callbackResults.filter((result) => result.status === 200).length,
      lost: 0,
      duplicated: rewardTwice,
      stuck: invoiceStuck,
      uncertain: 0,
      retried: clocks.callbacks.failures.length,
      recoveredIn: clocks.callbacks.recoveredIn,
    });
    expect({
      lost: [...accepted].filter((key) => !seen.has(key)),
      payoutStuck,
      payoutTwice,
      invoiceStuck,
      rewardTwice,
    }).toEqual({
      lost: [],
      payoutStuck: 0,
      payoutTwice: 0,
      invoiceStuck: 0,
      rewardTwice: 0,
    });
    expect([...seen.values()].filter((times) => times > 1)).toEqual([]);
  });
});
