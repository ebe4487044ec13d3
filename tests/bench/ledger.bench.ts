/**
 * Ledger transactions per second under contention: 32 writers on one owner in one process (queued in-process), the
 * same load spread over 200 owners, and one owner written from 4 independent ledgers (as 4 processes), both with
 * the Redis lease that hands the chain's end from one process to the next and without it (every insert races for
 * the same position). Compared with bare inserts. Each transaction is one balanced document: the person's account
 * and the platform's.
 */
import { Ledger, ledgerModels, type LedgerTransaction } from "../../core/wallet/ledger.ts";
import { benchRuntime } from "./bench-env.ts";

const POSTINGS = Number(process.env.BENCH_POSTINGS ?? 2_000);
const WRITERS = 32;

const env = await benchRuntime();
const shared = { redis: env.runtime.redis, prefix: env.config.redis.prefix };
const ledger = new Ledger(env.runtime.mongo, shared);
const credit = (owner: string, txKey: string): LedgerTransaction => ({
  txKey,
  owner,
  postings: [
    { account: `${owner}:available`, amount: 1_000 },
    { account: "system:rewards_payable", amount: -1_000 },
  ],
  memo: { code: "adjustment", params: {} },
});

/** The floor: the same number of plain inserts by the same writers (what the database alone allows). */
async function bareInserts(): Promise<number> {
  const collection = env.runtime.mongo.collection("bench_bare_inserts");
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < POSTINGS) {
        const i = next++;
        await collection.insertOne({ _id: `bare:${i}` as never, amount: 1_000 });
      }
    }),
  );
  const rate = POSTINGS / ((performance.now() - started) / 1000);
  console.log(`${"bare inserts".padEnd(22)} ${POSTINGS} inserts, ${WRITERS} writers: ${rate.toFixed(0)} inserts/s`);
  return rate;
}

async function drive(label: string, accountOf: (i: number) => string, ledgers: Ledger[] = [ledger]): Promise<number> {
  let next = 0;
  let retriesWorth = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < POSTINGS) {
        const i = next++;
        const t0 = performance.now();
        await (ledgers[i % ledgers.length] as Ledger).post(credit(accountOf(i), `${label}:${i}`));
        retriesWorth += performance.now() - t0;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${label.padEnd(22)} ${POSTINGS} transactions, ${WRITERS} writers: ${(POSTINGS / seconds).toFixed(0)}` +
      ` transactions/s, mean ${(retriesWorth / POSTINGS).toFixed(1)} ms each`,
  );
  return POSTINGS / seconds;
}

const bare = await bareInserts();
const hot = await drive("one account", () => "user:hot");
const spread = await drive("200 accounts", (i) => `user:acct${i % 200}`);
// Four writers that share nothing but the database and Redis, as four processes would.
const racing = await drive(
  "one owner, 4 procs",
  () => "user:race",
  Array.from({ length: 4 }, () => new Ledger(env.runtime.mongo, shared)),
);
// The same without Redis: every insert races for the same next position.
const unleased = await drive(
  "same, no Redis lease",
  () => "user:race2",
  Array.from({ length: 4 }, () => new Ledger(env.runtime.mongo)),
);
console.log(
  `ratio to bare inserts: one owner ${(hot / bare).toFixed(3)}×, 200 owners ${(spread / bare).toFixed(3)}×, ` +
    `one owner from 4 processes ${(racing / bare).toFixed(3)}× (without the lease ${(unleased / bare).toFixed(3)}×)`,
);
console.log(`goal: one owner from 4 processes ≥ 100 transactions/s: ${racing >= 100 ? "met" : "NOT met"}`);
const { Entry } = ledgerModels(env.runtime.mongo);
for (const owner of ["user:race", "user:race2", "user:hot"]) {
  const history = await ledger.history(owner);
  const whole = history.every((entry, index) => entry.seq === index + 1);
  console.log(
    `check: ${owner} has ${history.length} transactions in order: ${whole}, balance ` +
      `${(await ledger.balances(owner)).available ?? 0} (expected ${POSTINGS * 1_000})`,
  );
}
console.log(`rows: ${await Entry.estimatedDocumentCount()} ledger entries`);
await env.close();
