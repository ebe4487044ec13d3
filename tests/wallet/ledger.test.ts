import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InsufficientFunds, Ledger, type EntryDoc, type LedgerTransaction } from "../../core/wallet/ledger.ts";
import { buildTestApp, type TestApp } from "../helpers/test-runtime.ts";

let t: TestApp;
let ledger: Ledger;
/** Writers that share nothing but the database and Redis, as separate processes would (one without Redis). */
let writers: Ledger[];

beforeAll(async () => {
  t = await buildTestApp();
  const shared = { redis: t.runtime.redis, prefix: t.runtime.config.redis.prefix };
  ledger = new Ledger(t.runtime.mongo, shared);
  writers = [ledger, new Ledger(t.runtime.mongo, shared), new Ledger(t.runtime.mongo)];
});
afterAll(() => t.close());

/** A credit to a person from rewards payable, or (negative) a debit to adjustments. */
const tx = (owner: string, amount: number, txKey: string): LedgerTransaction => ({
  txKey,
  owner,
  postings: [
    { account: `${owner}:available`, amount },
    { account: "system:rewards_payable", amount: -amount },
  ],
  memo: { code: "adjustment", params: {} },
});

/** An owner's chain: contiguous positions, balances that are the running sums of its legs, never negative. */
function checkChain(entries: EntryDoc[]): void {
  let available = 0;
  entries.forEach((entry, index) => {
    expect(entry.seq).toBe(index + 1);
    expect(entry.postings.reduce((sum, posting) => sum + posting.amount, 0)).toBe(0);
    available += entry.postings.find((posting) => posting.account.endsWith(":available"))?.amount ?? 0;
    expect(entry.balances.available).toBe(available);
    expect(available).toBeGreaterThanOrEqual(0);
  });
}

describe("ledger", () => {
  it("writes one transaction posted 50 times at once exactly once, as one document", async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (writers[i % writers.length] as Ledger).post(tx("user:fifty", 75_000, "R1")),
      ),
    );
    expect(new Set(results.map((entry) => entry._id)).size).toBe(1);
    expect(await ledger.history("user:fifty")).toHaveLength(1);
    expect((await ledger.balances("user:fifty")).available).toBe(75_000);
    // A retry much later still finds it.
    expect((await ledger.post(tx("user:fifty", 75_000, "R1")))._id).toBe(results[0]?._id);
  });

  it("never lets concurrent withdrawals from three processes take a balance below zero", async () => {
    await ledger.post(tx("user:withdraw", 100_000, "credit:1"));
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        (writers[i % writers.length] as Ledger).post(tx("user:withdraw", -30_000, `withdraw:${i}`)),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(3);
    for (const outcome of outcomes.filter((outcome) => outcome.status === "rejected"))
      expect(outcome.reason).toBeInstanceOf(InsufficientFunds);
    expect((await ledger.balances("user:withdraw")).available).toBe(10_000);
    checkChain(await ledger.history("user:withdraw"));
  });

  it("keeps one owner's chain whole when three processes write it at once, with and without Redis", async () => {
    await Promise.all(
      Array.from({ length: 90 }, (_, i) =>
        (writers[i % writers.length] as Ledger).post(tx("user:busy", 1_000, `busy:${i}`)),
      ),
    );
    const entries = await ledger.history("user:busy");
    expect(entries).toHaveLength(90);
    checkChain(entries);
  });

  it("refuses legs that do not sum to zero, other people's accounts, and zero or fractional amounts", async () => {
    const unbalanced = { ...tx("user:x", 5_000, "bad:1"), postings: [{ account: "user:x:available", amount: 5_000 }] };
    await expect(ledger.post(unbalanced)).rejects.toMatchObject({ code: "ledger_unbalanced" });
    const foreign = {
      ...tx("user:x", 5_000, "bad:2"),
      postings: [
        { account: "user:x:available", amount: 5_000 },
        { account: "user:y:available", amount: -5_000 },
      ],
    };
    await expect(ledger.post(foreign)).rejects.toMatchObject({ code: "ledger_unbalanced" });
    await expect(ledger.post(tx("user:x", 0, "zero"))).rejects.toMatchObject({ code: "bad_amount" });
    await expect(ledger.post(tx("user:x", 1.5, "fraction"))).rejects.toMatchObject({ code: "bad_amount" });
    expect(await ledger.history("user:x")).toEqual([]);
  });

  it("platform accounts go negative; balance = the sum of their legs (an aggregation run on FerretDB)", async () => {
    const before = await ledger.systemBalance("system:rewards_payable");
    await ledger.post(tx("user:sys", 40_000, "sys:1"));
    await ledger.post(tx("user:sys", -15_000, "sys:2"));
    expect(await ledger.systemBalance("system:rewards_payable")).toBe(before - 25_000);
  });
});
