import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InsufficientFunds, Ledger } from "../../core/wallet/ledger.ts";
import { accountOf, WalletService, type Bucket } from "../../core/wallet/wallet-service.ts";
import { buildTestApp, type TestApp } from "../helpers/test-runtime.ts";

let t: TestApp;
let ledger: Ledger;
/** Three writers with their own in-process queues and memories, as three processes would be. */
let wallets: WalletService[];
let run = 0;

beforeAll(async () => {
  t = await buildTestApp();
  ledger = new Ledger(t.runtime.mongo);
  wallets = [
    new WalletService(ledger),
    new WalletService(new Ledger(t.runtime.mongo)),
    new WalletService(new Ledger(t.runtime.mongo)),
  ];
});
afterAll(() => t.close());

/**
 * What people's money does: rewards are credited as pending, released to available, held for a payout, and a failed
 * payout un-held.
 */
const operation = fc.oneof(
  fc.record({
    kind: fc.constant("credit" as const),
    amount: fc.integer({ min: 1, max: 50_000 }),
    replays: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({
    kind: fc.constantFrom("release" as const, "hold" as const, "unhold" as const),
    amount: fc.integer({ min: 1, max: 60_000 }),
    replays: fc.integer({ min: 1, max: 3 }),
  }),
);
const MOVES: Record<"release" | "hold" | "unhold", [Bucket, Bucket]> = {
  release: ["pending", "available"],
  hold: ["available", "held"],
  unhold: ["held", "available"],
};
const SPENDABLE: Bucket[] = ["pending", "available", "held"];

describe("wallet", () => {
  it(
    "property: concurrent credits, releases, holds and their replays never make a bucket " +
      "negative, keep balance = sum of postings, apply each transaction once, and never create or lose money",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(operation, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }),
          async (batches) => {
            const user = `UWP${++run}`;
            let n = 0;
            const credited = new Map<string, number>();
            for (const batch of batches) {
              await Promise.all(
                batch.flatMap((op) => {
                  const txKey = `w${run}:${n++}`;
                  if (op.kind === "credit") credited.set(txKey, op.amount);
                  const once = (wallet: WalletService) =>
                    op.kind === "credit"
                      ? wallet.credit(user, "pending", op.amount, txKey, { code: "referral_bonus", params: {} })
                      : wallet.move(user, MOVES[op.kind][0], MOVES[op.kind][1], op.amount, txKey, {
                          code: "adjustment",
                          params: {},
                        });
                  return Array.from({ length: op.replays }, (_, replay) =>
                    once(wallets[(n + replay) % wallets.length] as WalletService).catch((error: unknown) => {
                      if (!(error instanceof InsufficientFunds)) throw error;
                    }),
                  );
                }),
              );
            }
            let total = 0;
            for (const bucket of SPENDABLE) {
              const postings = await ledger.history(accountOf(user, bucket));
              let running = 0;
              postings.forEach((posting, index) => {
                expect(posting.seq).toBe(index + 1);
                running += posting.amount;
                expect(posting.balanceAfter).toBe(running);
                expect(running).toBeGreaterThanOrEqual(0);
              });
              expect(new Set(postings.map((posting) => posting.txKey)).size).toBe(postings.length);
              expect(await ledger.balance(accountOf(user, bucket))).toBe(running);
              total += running;
            }
            // Moves only move: what is in the three buckets is exactly what was credited, each credit once.
            expect(total).toBe([...credited.values()].reduce((sum, amount) => sum + amount, 0));
          },
        ),
        { numRuns: 10, seed: 20261122 },
      );
    },
    120_000,
  );
});
