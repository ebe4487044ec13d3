/**
 * `node infra/local/with-redis-cluster.ts <command…>`: starts a local 3-master Redis Cluster on loopback ports, runs
 * the command with REDIS_CLUSTER_NODES set to it, stops the cluster and exits with the command's status. Used by
 * `npm run test:cluster` (and so by `.ci/run`).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startRedisCluster } from "./redis-cluster.ts";

const [command, ...args] = process.argv.slice(2);
if (command === undefined) {
  process.stderr.write("usage: node infra/local/with-redis-cluster.ts <command> [args…]\n");
  process.exit(2);
}
const dataDir = mkdtempSync(path.join(os.tmpdir(), "trm-cluster-"));
const cluster = await startRedisCluster({ dataDir });
process.stdout.write(`[cluster] Redis Cluster ready: ${cluster.nodes}\n`);
const child = spawn(command, args, {
  stdio: "inherit",
  env: { ...process.env, REDIS_CLUSTER_NODES: cluster.nodes },
});
const code = await new Promise<number>((resolve) => child.on("close", (status) => resolve(status ?? 1)));
await cluster.stop();
rmSync(dataDir, { recursive: true, force: true });
process.exit(code);
