/**
 * Payout requests confirmed per second under contention: 32 concurrent
 * confirms on one account (each holds money from the same balance) and the
 * same load spread over 100 accounts. Each confirm is the real path: KYC
 * check, limits, the per-day counter in Redis, the payout record and the
 * available → held ledger move.
 */
import { AuditLog } from "../../core/admin/audit-log.ts";
import { kycModels } from "../../core/kyc/kyc-models.ts";
import { PayoutService } from "../../core/payouts/payout-service.ts";
import { Ledger } from "../../core/wallet/ledger.ts";
import { WalletService } from "../../core/wallet/wallet-service.ts";
import { benchRuntime } from "./bench-env.ts";
import { EventHub } from "../../core/events/event-hub.ts";

const REQUESTS = Number(process.env.BENCH_PAYOUTS ?? 400);
const WRITERS = 32;

const env = await benchRuntime();
const wallet = new WalletService(new Ledger(env.runtime.mongo));
const payouts = new PayoutService({
  events: new EventHub(),
  connection: env.runtime.mongo,
  redis: env.runtime.redis,
  prefix: env.config.redis.prefix,
  wallet,
  limits: {
    min: 1_000,
    maxPerRequest: 1_000_000,
    maxPerDay: 1_000_000_000,
    breakerPerPayout: 1_000_000,
    breakerPerHour: 1_000_000_000,
    provider: "manual",
  },
  audit: new AuditLog(env.runtime.mongo),
  kycApproved: async (userId) =>
    (await kycModels(env.runtime.mongo).State.findById(userId).lean())?.status === "approved",
});

async function fund(userId: string, amount: number): Promise<void> {
  await kycModels(env.runtime.mongo).State.create({
    _id: userId,
    status: "approved",
    submissionId: null,
    attempts: 1,
    updatedAt: new Date(),
  });
  await wallet.credit(userId, "available", amount, `bench:${userId}`, { code: "adjustment", params: {} });
}

async function drive(label: string, userOf: (i: number) => string): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < REQUESTS) {
        const i = next++;
        await payouts.request({
          userId: userOf(i),
          amount: 1_000,
          provider: "kbzpay",
          walletPhone: "+959420000001",
          nonce: `${label.replace(/\W/g, "")}${String(i).padStart(8, "0")}`,
        });
      }
    }),
  );
  const rate = REQUESTS / ((performance.now() - started) / 1000);
  console.log(`${label.padEnd(14)} ${REQUESTS} confirms, ${WRITERS} at once: ${rate.toFixed(1)} payouts/s`);
  return rate;
}

await fund("UBENCHHOT", REQUESTS * 1_000);
for (let i = 0; i < 100; i++) await fund(`UBENCH${String(i).padStart(3, "0")}`, REQUESTS * 1_000);
const hot = await drive("one account", () => "UBENCHHOT");
const spread = await drive("100 accounts", (i) => `UBENCH${String(i % 100).padStart(3, "0")}`);
const balances = await wallet.balances("UBENCHHOT");
console.log(
  `ratio spread/one: ${(spread / hot).toFixed(2)}×; check: one account available ` +
    `${balances.available}, held ${balances.held} (expected 0 and ${REQUESTS * 1_000})`,
);
await env.close();
