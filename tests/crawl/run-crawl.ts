/**
 * `npm run crawl -- --steps 300 --seed 7`: the label-blind UI crawl over the six personas, long, with real FerretDB
 * and Redis (started by the test setup), printing the counts and p50/p95 per turn; exits non-zero if anything a
 * person must never see was seen.
 */
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { steps: { type: "string", default: "300" }, seed: { type: "string", default: String(Date.now() % 1e9) } },
});
const steps = Number(values.steps);
const seed = Number(values.seed);
if (!Number.isInteger(steps) || steps < 1 || !Number.isInteger(seed)) {
  console.error("usage: npm run crawl -- --steps <n ≥ 1> --seed <integer>");
  process.exit(2);
}
const result = spawnSync("npx", ["vitest", "run", "tests/journeys/ui-crawl.test.ts", "--reporter=dot"], {
  stdio: "inherit",
  env: { ...process.env, CRAWL_STEPS: String(steps), CRAWL_SEED: String(seed) },
});
process.exit(result.status ?? 1);
