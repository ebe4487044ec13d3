import type { Connection } from "mongoose";
import type { Config } from "../../core/config/load-config.ts";
import { connectMongo } from "../../core/db/mongo-connection.ts";
import { registerModels } from "../../core/db/register-models.ts";
import { syncIndexes } from "../../core/db/sync-indexes.ts";
import { AppError } from "../../core/errors/app-error.ts";
import type { Logger } from "../../core/logging/create-logger.ts";
import type { Core } from "../../core/app/create-core.ts";
import type { ChannelSenders } from "../../core/notifications/channel-sender.ts";
import type { Shutdown } from "../../core/lifecycle/shutdown.ts";
import { createQueueRegistry, type QueueDefinition, type QueueRegistry } from "../queue-registry.ts";
import { closeRedis, connectRedis, queuePrefix, waitForRedis, type Redis } from "../redis/create-redis.ts";
import { startWorkers } from "../worker-bootstrap.ts";

/** Connections and queues shared by the web and worker processes. */
export interface Runtime {
  config: Config;
  logger: Logger;
  mongo: Connection;
  /** Fail-fast connection for commands, queues and readiness. */
  redis: Redis;
  queues: QueueRegistry;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  definitions: readonly QueueDefinition<any>[];
  shutdown: Shutdown;
}

export interface RuntimeOptions {
  config: Config;
  logger: Logger;
  shutdown: Shutdown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  definitions: readonly QueueDefinition<any>[];
  /** Database name override (tests give each file its own). */
  dbName?: string;
  /** Build declared indexes before serving (the web process does; workers do not need to). */
  syncIndexes?: boolean;
}

/**
 * Connects MongoDB and Redis, builds the queues and registers their closing
 * as the last shutdown phase. mongoose's autoIndex is off in production; the
 * explicit index sync runs here when asked (web boot) and in `npm run db:sync-indexes`.
 */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config, logger, shutdown } = options;
  if (config.mongo.uri === undefined || (config.redis.url === undefined && config.redis.cluster === undefined)) {
    throw new AppError("services_missing", "MONGODB_URI and REDIS_URL must be set (or run `npm start` for local mode)");
  }
  const mongo = registerModels(
    await connectMongo({
      uri: config.mongo.uri,
      dbName: options.dbName,
      autoIndex: config.env !== "production",
      logger,
    }),
  );
  shutdown.add("connections", "mongodb", () => mongo.close());
  const redis = connectRedis(config.redis, "commands", logger);
  shutdown.add("connections", "redis", () => closeRedis(redis));
  await waitForRedis(redis, 10_000);
  const queues = createQueueRegistry({
    connection: redis,
    prefix: queuePrefix(config.redis),
    definitions: options.definitions,
  });
  shutdown.add("connections", "queues", () => queues.close());
  if (options.syncIndexes !== false) await syncIndexes(mongo, logger);
  return { config, logger, mongo, redis, queues, definitions: options.definitions, shutdown };
}

/** Starts the workers of every queue on their own blocking connection; draining them is a shutdown step. */
export function attachWorkers(runtime: Runtime, core: Core, senders: ChannelSenders = {}): void {
  const connection = connectRedis(runtime.config.redis, "worker", runtime.logger);
  const workers = startWorkers({
    connection,
    prefix: queuePrefix(runtime.config.redis),
    definitions: runtime.definitions,
    queues: runtime.queues,
    deps: { core, config: runtime.config, redis: runtime.redis, senders },
    logger: runtime.logger,
  });
  // Registered after the connections were, but phases order them: drain runs before connections close.
  runtime.shutdown.add("connections", "worker redis", () => closeRedis(connection));
  runtime.shutdown.add("drain", "workers", () => workers.close());
}
