import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import getPort from "get-port";
import { Redis } from "ioredis";
import { AppError } from "../../core/errors/app-error.ts";
import { startRedis, type RunningRedis } from "./redis-service.ts";

const run = promisify(execFile);

export interface RunningCluster {
  /** `127.0.0.1:port,…`: what REDIS_CLUSTER_NODES takes. */
  nodes: string;
  stop(): Promise<void>;
}

/**
 * A local Redis Cluster of `masters` nodes (no replicas) from Debian's redis-server, on loopback ports, for tests and
 * benchmarks of the cluster mode: each node in its own folder under `dataDir`, the slots spread by
 * `redis-cli --cluster create`, ready once every node reports `cluster_state:ok`.
 */
export async function startRedisCluster(options: { dataDir: string; masters?: number }): Promise<RunningCluster> {
  const count = options.masters ?? 3;
  const nodes: RunningRedis[] = [];
  const stop = async () => {
    for (const node of nodes) await node.service.stop();
  };
  try {
    for (let i = 0; i < count; i++) {
      const dataDir = path.join(options.dataDir, `node-${i}`);
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      const port = await getPort({ host: "127.0.0.1" });
      nodes.push(
        await startRedis({
          dataDir,
          port,
          durable: false,
          extraArgs: [
            "--cluster-enabled",
            "yes",
            "--cluster-config-file",
            "nodes.conf",
            "--cluster-node-timeout",
            "5000",
          ],
        }),
      );
    }
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
    await run("redis-cli", ["--cluster", "create", ...addresses, "--cluster-replicas", "0", "--cluster-yes"]);
    const deadline = Date.now() + 20_000;
    for (const node of nodes) {
      const client = new Redis(node.url, { maxRetriesPerRequest: 1 });
      try {
        while (!/cluster_state:ok/.test(await client.cluster("INFO"))) {
          if (Date.now() > deadline)
            throw new AppError(
              "local_service_failed",
              `redis cluster node ${node.port} never reported cluster_state:ok`,
            );
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      } finally {
        client.disconnect();
      }
    }
    return { nodes: addresses.join(","), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
