import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "../../core/admin/audit-log.ts";
import { decideOnce } from "../../core/decisions/decision-store.ts";
import { kycModels } from "../../core/kyc/kyc-models.ts";
import { EventHub } from "../../core/events/event-hub.ts";
import { PayoutService, type PayoutLimits } from "../../core/payouts/payout-service.ts";
import { manualDisbursement, sandboxDisbursement } from "../../core/payouts/disbursement.ts";
import { Ledger } from "../../core/wallet/ledger.ts";
import { WalletService } from "../../core/wallet/wallet-service.ts";
import { buildTestApp, type TestApp } from "../helpers/test-runtime.ts";

let t: TestApp;
let wallet: WalletService;
let n = 0;
const FINANCE = { userId: "UFINANCE", role: "finance" as const, channel: "tg" as const };
const OWNER = { userId: "UOWNER22", role: "owner" as const, channel: "tg" as const };
const LIMITS: PayoutLimits = {
  min: 5_000,
  maxPerRequest: 100_000,
  maxPerDay: 150_000,
  breakerPerPayout: 100_000,
  breakerPerHour: 1_000_000,
  provider: "manual",
};
const nonce = () => `N${String(++n).padStart(10, "0")}`;

function service(limits: PayoutLimits = LIMITS, events = new EventHub()): PayoutService {
  return new PayoutService({
    events,
    connection: t.runtime.mongo,
    redis: t.runtime.redis,
    prefix: `${t.runtime.config.redis.prefix}:${String(++n)}`,
    wallet,
    limits,
    audit: new AuditLog(t.runtime.mongo),
    kycApproved: async (userId) =>
      (await kycModels(t.runtime.mongo).State.findById(userId).lean())?.status === "approved",
  });
}

async function person(id: string, available: number, verified = true): Promise<string> {
  if (verified)
    await kycModels(t.runtime.mongo).State.create({
      _id: id,
      status: "approved",
      submissionId: null,
      attempts: 1,
      updatedAt: new Date(),
    });
  if (available > 0) await wallet.credit(id, "available", available, `seed:${id}`, { code: "adjustment", params: {} });
  return id;
}
const ask = (payouts: PayoutService, userId: string, amount: number, key = nonce()) =>
  payouts.request({ userId, amount, provider: "kbzpay", walletPhone: "+959420000001", nonce: key });

beforeAll(async () => {
  t = await buildTestApp();
  wallet = new WalletService(new Ledger(t.runtime.mongo));
});
afterAll(() => t.close());

describe("payout requests", () => {
  it("need a verified identity", async () => {
    const payouts = service();
    await person("UPNOKYC2", 50_000, false);
    await expect(ask(payouts, "UPNOKYC2", 10_000)).rejects.toMatchObject({ code: "kyc_required" });
    expect(await wallet.balances("UPNOKYC2")).toMatchObject({ available: 50_000, held: 0 });
  });

  it("hold every limit at its edge: the minimum, the per-request cap, the balance and the per-day cap", async () => {
    const payouts = service();
    await person("UPLIMIT2", 400_000);
    await expect(ask(payouts, "UPLIMIT2", 4_999)).rejects.toMatchObject({ code: "below_minimum" });
    await expect(ask(payouts, "UPLIMIT2", 100_001)).rejects.toMatchObject({ code: "above_request_cap" });
    expect((await ask(payouts, "UPLIMIT2", 5_000)).status).toBe("requested");
    expect((await ask(payouts, "UPLIMIT2", 100_000)).status).toBe("requested");
    // 105,000 used today; 45,000 left of 150,000.
    await expect(ask(payouts, "UPLIMIT2", 45_001)).rejects.toMatchObject({
      code: "above_daily_cap",
      details: { left: 45_000 },
    });
    expect((await ask(payouts, "UPLIMIT2", 45_000)).status).toBe("requested");
    await expect(ask(payouts, "UPLIMIT2", 5_000)).rejects.toMatchObject({
      code: "above_daily_cap",
      details: { left: 0 },
    });
    expect(await wallet.balances("UPLIMIT2")).toMatchObject({ available: 250_000, held: 150_000 });

    const other = service();
    await person("UPBALAN2", 30_000);
    await expect(ask(other, "UPBALAN2", 30_001)).rejects.toMatchObject({
      code: "insufficient_funds",
      details: { available: 30_000 },
    });
    expect((await ask(other, "UPBALAN2", 30_000)).status).toBe("requested");
    expect(await wallet.balances("UPBALAN2")).toMatchObject({ available: 0, held: 30_000 });
    // A refused request does not use up the day's allowance.
    expect((await other.headroom("UPBALAN2")).today).toBe(120_000);
  });

  it("a double confirm (the same request 20 times at once) makes one request and one hold", async () => {
    const payouts = service();
    await person("UPDOUBL2", 80_000);
    const key = nonce();
    const results = await Promise.all(Array.from({ length: 20 }, () => ask(payouts, "UPDOUBL2", 50_000, key)));
    expect(new Set(results.map((payout) => payout._id)).size).toBe(1);
    expect(await wallet.balances("UPDOUBL2")).toMatchObject({ available: 30_000, held: 50_000 });
    expect((await payouts.queue(50)).filter((payout) => payout.userId === "UPDOUBL2")).toHaveLength(1);
  });

  it("concurrent withdrawals beyond the balance never make it negative", async () => {
    const payouts = service({ ...LIMITS, maxPerDay: 10_000_000 });
    await person("UPRACE22", 100_000);
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => ask(payouts, "UPRACE22", 30_000)));
    // Why each lost first (a failure then says what refused it), then how many won.
    for (const lost of outcomes.filter((outcome) => outcome.status === "rejected"))
      expect(lost.reason).toMatchObject({ code: "insufficient_funds" });
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(3);
    expect(await wallet.balances("UPRACE22")).toMatchObject({ available: 10_000, held: 90_000 });
  });
});

describe("finance", () => {
  it(
    "rejection releases the hold; approval then the provider's " +
      "transaction id pays it out; each decision happens once",
    async () => {
      const payouts = service();
      await person("UPFIN222", 100_000);
      const rejected = await ask(payouts, "UPFIN222", 40_000);
      await payouts.reject(rejected._id, FINANCE, "wallet_invalid");
      await expect(payouts.approve(rejected._id, FINANCE, manualDisbursement)).rejects.toMatchObject({
        code: "payout_already_decided",
      });
      expect(await wallet.balances("UPFIN222")).toMatchObject({ available: 100_000, held: 0 });

      const paid = await ask(payouts, "UPFIN222", 60_000);
      const approvals = await Promise.allSettled([
        payouts.approve(paid._id, FINANCE, manualDisbursement),
        payouts.approve(paid._id, FINANCE, manualDisbursement),
        payouts.reject(paid._id, FINANCE, "other"),
      ]);
      expect(approvals.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
      const state = await payouts.find(paid._id);
      if (state?.status === "approved") {
        await expect(payouts.markPaid(paid._id, FINANCE, "no")).rejects.toMatchObject({ code: "bad_transaction_id" });
        const settled = await Promise.allSettled([
          payouts.markPaid(paid._id, FINANCE, "KBZ-TXN-0001"),
          payouts.markFailed(paid._id, FINANCE, "provider_failed"),
        ]);
        expect(settled.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
      }
      const balances = await wallet.balances("UPFIN222");
      expect(balances.held).toBe(0);
      expect(balances.available + balances.paidout).toBe(100_000);
      expect(await payouts.approvedForTransfer()).toEqual([]);
    },
  );

  it("the sandbox disbursement provider pays at once with its reference", async () => {
    const payouts = service();
    await person("UPSBX222", 30_000);
    const payout = await ask(payouts, "UPSBX222", 20_000);
    expect(await payouts.approve(payout._id, FINANCE, sandboxDisbursement)).toMatchObject({
      status: "paid",
      providerTxnId: `SBX-${payout._id.slice(1, 9)}`,
    });
    expect(await wallet.balances("UPSBX222")).toMatchObject({ available: 10_000, held: 0, paidout: 20_000 });
  });

  it("approved but unpaid payouts are listed for bulk transfer", async () => {
    const payouts = service();
    await person("UPCSV222", 50_000);
    const payout = await ask(payouts, "UPCSV222", 20_000);
    await payouts.approve(payout._id, FINANCE, manualDisbursement);
    expect(await payouts.approvedForTransfer()).toMatchObject([
      { _id: payout._id, provider: "kbzpay", walletPhone: "+959420000001", amount: 20_000, userId: "UPCSV222" },
    ]);
  });

  it("a decision whose effect a crash cut off is finished, never repeated, never exported for payment", async () => {
    const payouts = service();
    await person("UPCRASH2", 100_000);
    const crash = (id: string, step: "decided" | "settled", intent: Record<string, unknown>) =>
      decideOnce(t.runtime.mongo, `payout:${id}:${step}`, {
        by: FINANCE.userId,
        role: "finance",
        channel: "tg",
        ...intent,
      });
    // Paid: the decision is recorded, then the process dies before the ledger and the status move.
    const paid = await ask(payouts, "UPCRASH2", 20_000);
    await payouts.approve(paid._id, FINANCE, manualDisbursement);
    await crash(paid._id, "settled", { effect: "paid", providerTxnId: "KBZ-CRASH-1" });
    expect((await payouts.approvedForTransfer()).map((row) => row._id)).not.toContain(paid._id);
    // Finance tries again: told it was handled, and the first decision's effect is now true, once.
    await expect(payouts.markPaid(paid._id, FINANCE, "KBZ-CRASH-2")).rejects.toMatchObject({
      code: "payout_already_decided",
    });
    expect(await payouts.find(paid._id)).toMatchObject({ status: "paid", providerTxnId: "KBZ-CRASH-1" });
    // Approved and rejected decisions cut off the same way are finished by the sweeper, without anyone retrying.
    const approved = await ask(payouts, "UPCRASH2", 10_000);
    await crash(approved._id, "decided", { effect: "approved" });
    const rejected = await ask(payouts, "UPCRASH2", 15_000);
    await crash(rejected._id, "decided", { effect: "rejected", reason: "wrong wallet" });
    expect((await payouts.finishStuck()).sort()).toEqual([approved._id, rejected._id].sort());
    expect(await payouts.find(approved._id)).toMatchObject({ status: "approved" });
    expect(await payouts.find(rejected._id)).toMatchObject({ status: "rejected", reason: "wrong wallet" });
    expect(await payouts.finishStuck()).toEqual([]);
    expect(await wallet.balances("UPCRASH2")).toMatchObject({ available: 70_000, held: 10_000, paidout: 20_000 });
  });

  it(
    "a circuit breaker trips on a payout above its maximum and on " +
      "too much in an hour, pauses every approval, and an owner resumes",
    async () => {
      const tripped: string[] = [];
      const events = new EventHub();
      const payouts = service({ ...LIMITS, breakerPerPayout: 50_000, breakerPerHour: 80_000 }, events);
      events.on("payouts.paused", ({ reason }) => void tripped.push(reason));
      await person("UPBREAK2", 200_000);
      const big = await ask(payouts, "UPBREAK2", 60_000);
      const small = await ask(payouts, "UPBREAK2", 10_000);
      await expect(payouts.approve(big._id, FINANCE, manualDisbursement)).rejects.toMatchObject({
        code: "payouts_paused",
      });
      expect(tripped).toHaveLength(1);
      await expect(payouts.approve(small._id, FINANCE, manualDisbursement)).rejects.toMatchObject({
        code: "payouts_paused",
      });
      expect((await payouts.find(small._id))?.status).toBe("requested");
      await payouts.resume(OWNER);
      await payouts.approve(small._id, FINANCE, manualDisbursement);

      // 10,000 approved this hour; 40,000 + 40,000 more crosses 80,000.
      const a = await ask(payouts, "UPBREAK2", 40_000);
      const b = await ask(payouts, "UPBREAK2", 40_000);
      await payouts.approve(a._id, FINANCE, manualDisbursement);
      await expect(payouts.approve(b._id, FINANCE, manualDisbursement)).rejects.toMatchObject({
        code: "payouts_paused",
      });
      expect(tripped).toHaveLength(2);
      expect((await payouts.breaker()).paused).toBe(true);
      await payouts.resume(OWNER);
      expect((await payouts.breaker()).paused).toBe(false);
    },
  );
});
