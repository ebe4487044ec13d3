import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InsufficientFunds, Ledger, ledgerModels, type EntryDoc } from "../../core/wallet/ledger.ts";
import { ownerOf, WalletService, type MoneyBucket } from "../../core/wallet/wallet-service.ts";
import { injectDatabaseFaults, InjectedFault } from "../helpers/db-faults.ts";
import { buildTestApp, type TestApp } from "../helpers/test-runtime.ts";

/** `npm run test:ledger` runs 1,000; `npm test` a quicker slice of the same property. */
const RUNS = Number(process.env.LEDGER_PROPERTY_RUNS ?? 40);

let t: TestApp;
let ledger: Ledger;
/** Three writers with their own queues and memories, as three processes would be (the third without Redis). */
let wallets: WalletService[];
let run = 0;

beforeAll(async () => {
  t = await buildTestApp();
  const shared = { redis: t.runtime.redis, prefix: t.runtime.config.redis.prefix };
  ledger = new Ledger(t.runtime.mongo, shared);
  wallets = [
    new WalletService(ledger),
    new WalletService(new Ledger(t.runtime.mongo, shared)),
    new WalletService(new Ledger(t.runtime.mongo)),
  ];
});
afterAll(() => t.close());

/**
 * What people's money does: rewards and commissions are credited as pending, released to available, held for a
 * payout, paid out or un-held; an adjustment takes some back.
 */
const operation = fc.record({
  kind: fc.constantFrom("reward", "commission", "release", "hold", "pay", "unhold", "adjust"),
  amount: fc.integer({ min: 1, max: 60_000 }),
  replays: fc.integer({ min: 1, max: 3 }),
});
type Operation = { kind: string; amount: number; replays: number };
const MOVES: Record<string, [MoneyBucket, MoneyBucket | "paidout"]> = {
  release: ["pending", "available"],
  hold: ["available", "held"],
  pay: ["held", "paidout"],
  unhold: ["held", "available"],
};
/** Each write fails before it is sent (8%) or is applied and its answer lost (8%); each read fails 4% of the time. */
const faults = fc.record({ seed: fc.integer({ min: 1, max: 2 ** 30 }), writeRate: fc.constantFrom(0, 0.16, 0.3) });

function perform(wallet: WalletService, user: string, op: Operation, txKey: string): Promise<EntryDoc> {
  if (op.kind === "reward" || op.kind === "commission")
    return wallet.credit(user, "pending", op.amount, txKey, {
      code: op.kind === "reward" ? "referral_bonus" : "network_commission",
      params: {},
    });
  if (op.kind === "adjust")
    return wallet.credit(user, "available", -op.amount, txKey, { code: "adjustment", params: {} });
  const [from, to] = MOVES[op.kind] ?? ["available", "held"];
  return wallet.move(user, from, to, op.amount, txKey, { code: "adjustment", params: {} });
}

/** The chain as written: positions in order, legs summing to zero, balances the running sums, money never negative. */
function checkChain(user: string, entries: EntryDoc[]): Record<string, number> {
  const running: Record<string, number> = {};
  entries.forEach((entry, index) => {
    expect(entry.seq).toBe(index + 1);
    expect(entry.postings.reduce((sum, posting) => sum + posting.amount, 0)).toBe(0);
    for (const posting of entry.postings) {
      const bucket = posting.account.startsWith(`${ownerOf(user)}:`) ? posting.account.split(":")[2] : undefined;
      if (bucket !== undefined) running[bucket] = (running[bucket] ?? 0) + posting.amount;
    }
    if (entry.memo.code === "referral_bonus" || entry.memo.code === "network_commission")
      running.earned = (running.earned ?? 0) + (entry.postings[0]?.amount ?? 0);
    if (entry.postings.some((posting) => posting.account === "system:payout_clearing"))
      running.paidout = (running.paidout ?? 0) + (entry.postings[1]?.amount ?? 0);
    for (const [name, value] of Object.entries(running)) expect(entry.balances[name] ?? 0).toBe(value);
    for (const bucket of ["available", "pending", "held"]) expect(running[bucket] ?? 0).toBeGreaterThanOrEqual(0);
  });
  return running;
}

/** Once, conserved, and read the same by every process. */
async function verify(user: string, written: Set<string>): Promise<void> {
  const entries = await ledger.history(ownerOf(user));
  const running = checkChain(user, entries);
  // Once: no transaction twice, and everything reported written is there.
  const keys = entries.map((entry) => entry.txKey);
  expect(new Set(keys).size).toBe(keys.length);
  for (const txKey of written) expect(keys).toContain(txKey);
  // Conserved: what sits in the buckets plus what was paid out is what was credited, less adjustments.
  const credited = entries
    .filter((entry) => entry.memo.code !== "adjustment" || entry.postings[1]?.account === "system:adjustments")
    .reduce((sum, entry) => sum + (entry.postings[0]?.amount ?? 0), 0);
  const held = ["available", "pending", "held", "paidout"].reduce((sum, name) => sum + (running[name] ?? 0), 0);
  expect(held).toBe(credited);
  expect(await wallets[2]?.balances(user)).toMatchObject({
    available: running.available ?? 0,
    pending: running.pending ?? 0,
    held: running.held ?? 0,
  });
}

describe("wallet on the double-entry ledger", () => {
  it(
    `property (${RUNS} runs): concurrent credits, moves and replays from three processes, with the database failing ` +
      "before or after any write, then a retry of what failed: every transaction sums to zero and is written once, " +
      "no money bucket goes negative, money is neither created nor lost",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(operation, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }),
          faults,
          async (batches, fault) => {
            const user = `UWP${++run}`;
            let n = 0;
            let random = fault.seed;
            const next = () => (random = (random * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
            const failed = new Map<string, Operation>();
            const written = new Set<string>();
            const injected = injectDatabaseFaults((method) => {
              const roll = next();
              if (method === "findOne") return roll < fault.writeRate / 4 ? "before" : null;
              return roll < fault.writeRate / 2 ? "before" : roll < fault.writeRate ? "after" : null;
            });
            try {
              for (const batch of batches) {
                await Promise.all(
                  batch.flatMap((op) => {
                    const txKey = `w${run}:${n++}`;
                    return Array.from({ length: op.replays }, (_, replay) =>
                      perform(wallets[(n + replay) % wallets.length] as WalletService, user, op, txKey).then(
                        () => written.add(txKey),
                        (error: unknown) => {
                          if (error instanceof InsufficientFunds) return;
                          if (!(error instanceof InjectedFault)) throw error;
                          failed.set(txKey, op);
                        },
                      ),
                    );
                  }),
                );
              }
            } finally {
              injected.disarm();
            }
            // Between any two writes the books balance: a transaction is there whole or not at all.
            await verify(user, written);
            // What failed is tried again (a caller's retry, a queue's next attempt, the decision sweeper).
            for (const [txKey, op] of failed)
              await perform(wallets[0] as WalletService, user, op, txKey).then(
                () => written.add(txKey),
                (error: unknown) => {
                  if (!(error instanceof InsufficientFunds)) throw error;
                },
              );
            await verify(user, written);
            // Each run's books go once checked, so the collection (scanned by FerretDB) stays small.
            await ledgerModels(t.runtime.mongo).Entry.deleteMany({ owner: ownerOf(user) });
          },
        ),
        // No shrinking: a failing run is reported as found (shrinking replays against a growing database for minutes).
        { numRuns: RUNS, seed: 20261201, endOnFailure: true },
      );
    },
    1_800_000,
  );
});
