import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { Cluster, Redis } from "ioredis";
import mongoose from "mongoose";
import { inject } from "vitest";
import { loadConfig, type Config } from "../../core/config/load-config.ts";
import { createLogger, type Logger } from "../../core/logging/create-logger.ts";
import { createShutdown } from "../../core/lifecycle/shutdown.ts";
import type { QueueDefinition } from "../../jobs/queue-registry.ts";
import { platformQueues } from "../../jobs/definitions.ts";
import { createRuntime, type Runtime } from "../../jobs/runtime/create-runtime.ts";
import type { BotDeps } from "../../bots/create-bot.ts";
import { buildServer, type WebApp } from "../../webhooks/build-server.ts";
import { composeCore } from "../../webhooks/compose-core.ts";

/** A fresh, short, unique name: each test file gets its own database and Redis prefix. */
export const uniqueName = (tag: string): string => `t_${tag}_${randomBytes(4).toString("hex")}`;

export function testLogger(): Logger {
  return createLogger({
    level: (process.env.TEST_LOG_LEVEL as Config["logLevel"] | undefined) ?? "silent",
    pretty: false,
  });
}

/** A fixed key for tests' encrypted files (never used outside tests). */
export const TEST_ENCRYPTION_KEY = `test1:${Buffer.alloc(32, 7).toString("base64")}`;

/** The environment a test app boots with: the shared services plus whatever the test overrides. */
export function testConfig(overrides: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    MONGODB_URI: inject("mongoUri"),
    REDIS_URL: inject("redisUrl"),
    // `npm run test:cluster` runs some files against a Redis Cluster (see infra/local/with-redis-cluster.ts).
    REDIS_CLUSTER_NODES: process.env.REDIS_CLUSTER_NODES,
    REDIS_PREFIX: uniqueName("q"),
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    STORAGE_DIR: path.join(tmpdir(), uniqueName("storage")),
    // Test conversations tap faster than any person; the inbound limit has its own test.
    INBOUND_BURST: "10000",
    ...overrides,
  });
}

export interface TestApp extends WebApp {
  runtime: Runtime;
  /** Drops this app's database and Redis keys, then shuts it down. */
  close(): Promise<void>;
}

/** Builds the whole web app on the real services, isolated by database name and Redis prefix. */
export async function buildTestApp(
  options: {
    config?: Config;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    definitions?: QueueDefinition<any>[];
    plugins?: BotDeps["plugins"];
    /** Pins the clock every service reads. */
    clock?: () => Date;
    /** Where the app logs (silent by default). */
    logger?: Logger;
  } = {},
): Promise<TestApp> {
  const config = options.config ?? testConfig();
  const logger = options.logger ?? testLogger();
  const shutdown = createShutdown(logger, 20_000);
  const runtime = await createRuntime({
    config,
    logger,
    shutdown,
    definitions: options.definitions ?? platformQueues(),
    dbName: uniqueName("db"),
  });
  const core = await composeCore(runtime, options.clock);
  const web = await buildServer(runtime, core, options.plugins);
  shutdown.add("intake", "http server", () => web.app.close());
  return {
    ...web,
    runtime,
    async close() {
      await shutdown.run("test finished");
      await cleanUp(runtime);
    },
  };
}

/** Runs on fresh connections, so it also works after a test shut its app down. */
async function cleanUp(runtime: Runtime): Promise<void> {
  const { mongo, redis } = runtime.config;
  const connection = await mongoose.createConnection(mongo.uri ?? "", { dbName: runtime.mongo.name }).asPromise();
  await connection.dropDatabase();
  await connection.close();
  if (redis.cluster !== undefined) {
    // Each master holds its own keys; on a cluster BullMQ's keys start with `{prefix}`.
    const cluster = new Cluster(redis.cluster, { redisOptions: { maxRetriesPerRequest: 1 } });
    for (const node of cluster.nodes("master"))
      for (const pattern of [`${redis.prefix}:*`, `{${redis.prefix}}:*`]) await deleteMatching(node, pattern, true);
    cluster.disconnect();
    return;
  }
  const client = new Redis(redis.url ?? "", { maxRetriesPerRequest: 1 });
  await deleteMatching(client, `${redis.prefix}:*`, false);
  client.disconnect();
}

async function deleteMatching(client: Redis, pattern: string, oneByOne: boolean): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await client.scan(cursor, "MATCH", pattern, "COUNT", 500);
    // On a cluster node the keys of one batch sit in many slots: deleted one by one.
    if (oneByOne) for (const key of keys) await client.del(key);
    else if (keys.length > 0) await client.del(...keys);
    cursor = next;
  } while (cursor !== "0");
}
