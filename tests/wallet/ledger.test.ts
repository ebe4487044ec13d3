import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InsufficientFunds, Ledger, type PostingDoc } from "../../core/wallet/ledger.ts";
import { buildTestApp, type TestApp } from "../helpers/test-runtime.ts";

let t: TestApp;
let ledger: Ledger;
/** Writers that share nothing but the database, as separate processes would. */
let writers: Ledger[];
let run = 0;

beforeAll(async () => {
  t = await buildTestApp();
  ledger = new Ledger(t.runtime.mongo);
  writers = [ledger, new Ledger(t.runtime.mongo), new Ledger(t.runtime.mongo)];
});
afterAll(() => t.close());

/** Checks one account's chain: contiguous seqs, running balances, no transaction twice, never negative. */
function checkChain(account: string, postings: PostingDoc[]): void {
  let balance = 0;
  const seen = new Set<string>();
  postings.forEach((posting, index) => {
    expect(posting.seq).toBe(index + 1);
    balance += posting.amount;
    expect(posting.balanceAfter).toBe(balance);
    expect(balance).toBeGreaterThanOrEqual(0);
    expect(seen.has(posting.txKey), `${posting.txKey} twice on ${account}`).toBe(false);
    seen.add(posting.txKey);
  });
}

const operation = fc.record({
  account: fc.integer({ min: 0, max: 2 }),
  amount: fc.integer({ min: -40_000, max: 60_000 }).filter((value) => value !== 0),
  replays: fc.integer({ min: 1, max: 3 }),
});

describe("ledger", () => {
  it(
    "property: concurrent credits, debits and replays never go " +
      "negative, keep balance = sum of postings, apply each transaction once",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(operation, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }),
          async (batches) => {
            run++;
            const accounts = [0, 1, 2].map((i) => `user:prop${run}:${i}`);
            const credits = new Map<string, string>();
            let n = 0;
            for (const batch of batches) {
              // Everything in a batch runs at once, each transaction possibly several times (retries, redeliveries).
              await Promise.all(
                batch.flatMap((op) => {
                  const txKey = `tx${run}:${n++}`;
                  const account = accounts[op.account] ?? "";
                  if (op.amount > 0) credits.set(txKey, account);
                  return Array.from({ length: op.replays }, (_, replay) =>
                    (writers[(n + replay) % writers.length] as Ledger)
                      .post(account, op.amount, txKey)
                      .catch((error: unknown) => {
                        if (!(error instanceof InsufficientFunds)) throw error;
                      }),
                  );
                }),
              );
            }
            for (const account of accounts) {
              const postings = await ledger.history(account);
              checkChain(account, postings);
              expect(await ledger.balance(account)).toBe(postings.reduce((sum, posting) => sum + posting.amount, 0));
            }
            for (const [txKey, account] of credits) {
              const postings = await ledger.history(account);
              expect(postings.filter((posting) => posting.txKey === txKey)).toHaveLength(1);
            }
          },
        ),
        { numRuns: 12, seed: 20261122 },
      );
    },
    120_000,
  );

  it("applies one transaction posted 50 times at once exactly once", async () => {
    const account = "user:fifty";
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (writers[i % writers.length] as Ledger).post(account, 75_000, "hired:R1")),
    );
    expect(new Set(results.map((posting) => posting._id)).size).toBe(1);
    expect(await ledger.history(account)).toHaveLength(1);
    expect(await ledger.balance(account)).toBe(75_000);
    // A retry much later still finds it.
    expect((await ledger.post(account, 75_000, "hired:R1"))._id).toBe(results[0]?._id);
  });

  it("never lets concurrent withdrawals take a balance below zero", async () => {
    const account = "user:withdraw";
    await ledger.post(account, 100_000, "credit:1");
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        (writers[i % writers.length] as Ledger).post(account, -30_000, `withdraw:${i}`),
      ),
    );
    const succeeded = outcomes.filter((outcome) => outcome.status === "fulfilled").length;
    expect(succeeded).toBe(3);
    expect(
      outcomes
        .filter((outcome) => outcome.status === "rejected")
        .every((outcome) => outcome.reason instanceof InsufficientFunds),
    ).toBe(true);
    expect(await ledger.balance(account)).toBe(10_000);
    checkChain(account, await ledger.history(account));
  });

  it("lets system accounts go negative and refuses zero or fractional amounts", async () => {
    await ledger.post("system:rewards", -50_000, "fund:1");
    expect(await ledger.balance("system:rewards")).toBe(-50_000);
    await expect(ledger.post("user:x", 0, "zero")).rejects.toMatchObject({ code: "bad_amount" });
    await expect(ledger.post("user:x", 1.5, "fraction")).rejects.toMatchObject({ code: "bad_amount" });
  });
});
