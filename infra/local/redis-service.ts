import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";
import { Redis } from "ioredis";
import { startChildService, waitUntilAnswers, type ChildService } from "./child-service.ts";
import { AppError } from "../../core/errors/app-error.ts";
import { privateDir } from "./private-dir.ts";

const INSTALL_COMMAND = "apt-get update && apt-get install -y redis-server";

function findRedisServer(): string | undefined {
  const found = spawnSync("sh", ["-c", "command -v redis-server"]).stdout.toString().trim();
  return found === "" ? undefined : found;
}

/** Debian's redis-server; installed with apt-get when missing and we are root, otherwise the exact command is shown. */
export function ensureRedisServer(): string {
  const found = findRedisServer();
  if (found !== undefined) return found;
  if (process.getuid?.() !== 0) {
    throw new AppError(
      "local_service_failed",
      `redis-server is not installed. Install it with:\n  sudo sh -c '${INSTALL_COMMAND}'`,
    );
  }
  process.stderr.write("redis-server is missing; installing it with apt-get...\n");
  execFileSync("sh", ["-c", `${INSTALL_COMMAND} >/dev/null`], { stdio: ["ignore", "inherit", "inherit"] });
  const installed = findRedisServer();
  if (installed === undefined)
    throw new AppError("local_service_failed", `redis-server still missing after: ${INSTALL_COMMAND}`);
  return installed;
}

export interface RunningRedis {
  url: string;
  port: number;
  dataDir: string;
  service: ChildService;
}

/**
 * Runs redis-server on 127.0.0.1:`port`. With `durable`, the append-only file
 * is on (`appendfsync everysec`) so queued work survives a restart; tests run
 * without persistence.
 */
export async function startRedis(options: {
  dataDir: string;
  port: number;
  durable: boolean;
  /** More redis-server options (a cluster node's). */
  extraArgs?: string[];
}): Promise<RunningRedis> {
  const binary = ensureRedisServer();
  privateDir(options.dataDir);
  const logFile = path.join(options.dataDir, "redis.log");
  const persistence = options.durable
    ? ["--appendonly", "yes", "--appendfsync", "everysec", "--save", ""]
    : ["--appendonly", "no", "--save", ""];
  const service = startChildService(
    "redis-server",
    binary,
    [
      "--bind",
      "127.0.0.1",
      "--port",
      String(options.port),
      "--dir",
      options.dataDir,
      "--daemonize",
      "no",
      "--protected-mode",
      "yes",
      // BullMQ requires that Redis never evicts its keys.
      "--maxmemory-policy",
      "noeviction",
      ...persistence,
      ...(options.extraArgs ?? []),
    ],
    { logFile },
  );
  const url = `redis://127.0.0.1:${options.port}`;
  await waitUntilAnswers(
    service,
    async () => {
      const client = new Redis(url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        connectTimeout: 500,
      });
      client.on("error", () => undefined);
      try {
        await client.connect();
        await client.ping();
      } finally {
        client.disconnect();
      }
    },
    15_000,
    logFile,
  );
  return { url, port: options.port, dataDir: options.dataDir, service };
}
