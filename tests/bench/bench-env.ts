import { mkdtempSync, rmSync } from "node:fs";
import { TG_SECRET } from "../helpers/telegram-harness.ts";
import os from "node:os";
import path from "node:path";
import { loadConfig, type Config } from "../../core/config/load-config.ts";
import { createLogger } from "../../core/logging/create-logger.ts";
import { createShutdown } from "../../core/lifecycle/shutdown.ts";
import { startLocalServices } from "../../infra/local/local-services.ts";
import type { QueueDefinition } from "../../jobs/queue-registry.ts";
import { createRuntime, type Runtime } from "../../jobs/runtime/create-runtime.ts";

/** Services and a runtime for one benchmark: real FerretDB/Redis (or MONGODB_URI/REDIS_URL), torn down by `close`. */
export async function benchRuntime(
  env: Record<string, string> = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  definitions: QueueDefinition<any>[] = [],
): Promise<{ runtime: Runtime; config: Config; dataDir: string; close: () => Promise<void> }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "trm-bench-"));
  const services = await startLocalServices({
    dataDir,
    durable: false,
    mongoUri: process.env.MONGODB_URI || undefined,
    redisUrl: process.env.REDIS_URL || undefined,
    say: () => undefined,
  });
  const config = loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    MONGODB_URI: services.mongoUri,
    REDIS_URL: services.redisUrl,
    REDIS_PREFIX: `bench${Date.now()}`,
    // `node infra/local/with-redis-cluster.ts node tests/bench/….ts` runs a benchmark on a local Redis Cluster.
    ...(process.env.REDIS_CLUSTER_NODES ? { REDIS_CLUSTER_NODES: process.env.REDIS_CLUSTER_NODES } : {}),
    ...env,
  });
  const logger = createLogger({ level: "silent", pretty: false });
  const shutdown = createShutdown(logger, 20_000);
  const runtime = await createRuntime({ config, logger, shutdown, definitions, dbName: `bench_${Date.now()}` });
  return {
    runtime,
    config,
    dataDir,
    async close() {
      await runtime.mongo.dropDatabase().catch(() => undefined);
      await shutdown.run("bench finished");
      await services.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Posts a Telegram update to the app's webhook in-process (as Telegram would, with the secret); 200 or it throws. */
export function telegramPoster(app: {
  inject: (request: {
    method: "POST";
    url: string;
    headers: Record<string, string>;
    payload: Record<string, unknown>;
  }) => Promise<{ statusCode: number }>;
}): (update: Record<string, unknown>) => Promise<void> {
  return async (update) => {
    const response = await app.inject({
      method: "POST",
      url: "/webhooks/telegram",
      headers: { "x-telegram-bot-api-secret-token": TG_SECRET },
      payload: update,
    });
    if (response.statusCode !== 200) throw new Error(`webhook answered ${response.statusCode}`);
  };
}
