/**
 * Ledger postings per second: 32 writers on one account (every insert races
 * for the same next seq), and the same load spread over 200 accounts.
 */
import { Ledger } from "../../core/wallet/ledger.ts";
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

async function drive(label: string, accountOf: (i: number) => string): Promise<number> {
  let next = 0;
  let retriesWorth = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < POSTINGS) {
        const i = next++;
        const t0 = performance.now();
        await ledger.post(accountOf(i), 1_000, `${label}:${i}`);
        retriesWorth += performance.now() - t0;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(`${label.padEnd(22)} ${POSTINGS} postings, ${WRITERS} writers: ${(POSTINGS / seconds).toFixed(0)} postings/s, mean ${(retriesWorth / POSTINGS).toFixed(1)} ms each`);
  return POSTINGS / seconds;
}

const bare = await bareInserts();
const hot = await drive("one account", () => "user:hot");
const spread = await drive("200 accounts", (i) => `user:acct${i % 200}`);
console.log(`ratio to bare inserts: one account ${(hot / bare).toFixed(2)}×, 200 accounts ${(spread / bare).toFixed(2)}×`);
const history = await ledger.history("user:hot");
console.log(`check: one account has ${history.length} postings, balance ${await ledger.balance("user:hot")} (expected ${POSTINGS * 1_000})`);
await env.close();
