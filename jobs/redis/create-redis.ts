import { Cluster, Redis } from "ioredis";
import type { Logger } from "../../core/logging/create-logger.ts";
import { AppError } from "../../core/errors/app-error.ts";

export type { Redis } from "ioredis";

export type RedisRole = "commands" | "worker";

/**
 * One ioredis connection per role, configured as BullMQ requires:
 * - `worker`: `maxRetriesPerRequest: null` so blocking commands wait out a Redis restart.
 * - `commands` (queues, readiness, rate limits): fail fast, so a request handler
 *   that cannot enqueue answers 503 and the platform re-delivers, instead of hanging.
 * Both reconnect forever with a capped back-off.
 */
export function createRedis(url: string, role: RedisRole, logger: Logger): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: role === "worker" ? null : 1,
    enableOfflineQueue: role === "worker",
    connectTimeout: 5_000,
    retryStrategy: (attempt) => Math.min(100 * attempt, 2_000),
    lazyConnect: false,
    connectionName: `trm-${role}`,
    enableAutoPipelining: role === "commands",
  });
  logOutages(redis, role, logger);
  return redis;
}

/** ioredis emits an error for every failed reconnect: the first of a series is logged, and the recovery. */
function logOutages(client: Redis | Cluster, role: RedisRole, logger: Logger): void {
  let warned = false;
  client.on("error", (error: Error) => {
    if (!warned) logger.warn({ err: error, role }, "redis connection error");
    warned = true;
  });
  client.on("ready", () => {
    if (warned) logger.info({ role }, "redis connection ready again");
    warned = false;
  });
}

/** Where Redis is: one server (`url`) or the seed nodes of a Redis Cluster (`cluster`). */
export interface RedisTarget {
  url?: string | undefined;
  cluster?: Array<{ host: string; port: number }> | undefined;
}

/**
 * A connection to the configured Redis: {@link createRedis} for one server, or an ioredis `Cluster` with the same
 * settings per node. The cluster is typed as the single-server client: every command and script this code sends
 * keeps its keys in one slot (a chat's keys carry the chat's hash tag, BullMQ's prefix `{…}`), which is all a
 * Cluster asks; node-wide commands (SCAN, KEYS, INFO) are not used on it outside tests and benchmarks.
 */
export function connectRedis(target: RedisTarget, role: RedisRole, logger: Logger): Redis {
  if (target.cluster === undefined || target.cluster.length === 0) {
    if (target.url === undefined)
      throw new AppError("services_missing", "REDIS_URL or REDIS_CLUSTER_NODES must be set");
    return createRedis(target.url, role, logger);
  }
  const cluster = new Cluster(target.cluster, {
    enableOfflineQueue: role === "worker",
    clusterRetryStrategy: (attempt) => Math.min(100 * attempt, 2_000),
    // No auto-pipelining here: ioredis 5.9 groups a command by the slot of its first argument, for EVALSHA the
    // script's digest, so scripts for chats on other nodes share a pipeline and all fail ("All keys in the pipeline
    // should belong to the same slots allocation group"; redis/ioredis#2109; 50 of 50 on a local 3-master cluster).
    redisOptions: {
      maxRetriesPerRequest: role === "worker" ? null : 1,
      connectTimeout: 5_000,
      connectionName: `trm-${role}`,
    },
  });
  logOutages(cluster, role, logger);
  return cluster as unknown as Redis;
}

/** BullMQ's key prefix: on a Redis Cluster in braces, so each queue's keys share one slot (as BullMQ requires). */
export function queuePrefix(target: RedisTarget & { prefix: string }): string {
  return target.cluster === undefined || target.cluster.length === 0 ? target.prefix : `{${target.prefix}}`;
}

/** Closes a connection politely and waits until it has ended; a hard disconnect when Redis is gone. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === "end") return;
  const ended = new Promise<void>((resolve) => redis.once("end", () => resolve()));
  try {
    await Promise.race([
      redis.quit(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("quit timed out")), 1_000)),
    ]);
  } catch {
    redis.disconnect();
  }
  await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
}

/** Resolves once the connection is ready (commands fail fast before that on a `commands` connection). */
export async function waitForRedis(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === "ready") return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off("ready", onReady);
      reject(new Error(`redis not ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once("ready", onReady);
  });
}
