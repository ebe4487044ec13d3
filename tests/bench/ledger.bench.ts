/**
 * Ledger postings per second under contention: 32 writers on one account in
 * one process (queued in-process), the same load spread over 200 accounts,
 * and one account written from 4 independent ledgers (as 4 processes: every
 * insert races for the same next seq). Compared with bare inserts.
 */
import { Ledger, ledgerModels } from "../../core/wallet/ledger.ts";
import { benchRuntime } from "./bench-env.ts";

const POSTINGS = Number(process.env.BENCH_POSTINGS ?? 2_000);
const WRITERS = 32;

const env = await benchRuntime();
const ledger = new Ledger(env.runtime.mongo);

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
        await (ledgers[i % ledgers.length] as Ledger).post(accountOf(i), 1_000, `${label}:${i}`);
        retriesWorth += performance.now() - t0;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${label.padEnd(22)} ${POSTINGS} postings, ${WRITERS} writers: ${(POSTINGS / seconds).toFixed(0)}` +
      ` postings/s, mean ${(retriesWorth / POSTINGS).toFixed(1)} ms each`,
  );
  return POSTINGS / seconds;
}

const bare = await bareInserts();
const hot = await drive("one account", () => "user:hot");
const spread = await drive("200 accounts", (i) => `user:acct${i % 200}`);
// Four writers that share nothing but the database (as four processes would): every posting races on the unique seq.
const racing = await drive(
  "one account, 4 procs",
  () => "user:race",
  Array.from({ length: 4 }, () => new Ledger(env.runtime.mongo)),
);
console.log(
  `ratio to bare inserts: one account ${(hot / bare).toFixed(3)}×, 200 accounts ` +
    `${(spread / bare).toFixed(3)}×, one account from 4 processes ${(racing / bare).toFixed(3)}×`,
);
const { Posting } = ledgerModels(env.runtime.mongo);
const probeStart = performance.now();
for (let i = 1; i <= 50; i++)
  await Posting.findById(`user:race:${i * 7}`)
    .lean()
    .exec();
console.log(
  `one findById on ${await Posting.estimatedDocumentCount()} ` +
    `postings: ${((performance.now() - probeStart) / 50).toFixed(1)}` +
    ` ms (FerretDB 1.24 on SQLite scans the table even for _id; see README)`,
);
console.log(
  `check: raced account has ${(await ledger.history("user:race")).length} postings, ` +
    `balance ${await ledger.balance("user:race")} (expected ${POSTINGS * 1_000})`,
);
const history = await ledger.history("user:hot");
console.log(
  `check: one account has ${history.length} postings, balance ` +
    `${await ledger.balance("user:hot")} (expected ${POSTINGS * 1_000})`,
);
await env.close();
