import { createFileFetcher } from "../bots/channels/file-fetchers.ts";
import { createChannelSenders } from "../bots/channels/senders.ts";
import { createCore, type Core } from "../core/app/create-core.ts";
import type { ChannelSenders } from "../core/notifications/channel-sender.ts";
import type { Runtime } from "../jobs/runtime/create-runtime.ts";
import { queuePorts } from "../jobs/runtime/queue-ports.ts";
import { closeRedis } from "../jobs/redis/create-redis.ts";
import { UserCache } from "../core/users/user-cache.ts";
import { moveUntaggedKeys } from "../core/db/redis-key-moves.ts";
import { subscriberOf } from "../core/db/redis-subscriber.ts";
import { digestKeyMoves } from "../core/catalog/alert-fanout.ts";
import { broadcastKeyMove } from "../jobs/broadcasts/broadcast-runner.ts";

/**
 * The process's core on its runtime, with the ports wired: BullMQ producers from `jobs/`, the file fetcher from the
 * channel adapters in `bots/`. Lives here because only `webhooks/` may import both.
 */
export async function composeCore(runtime: Runtime, clock?: () => Date): Promise<Core> {
  const { config, mongo, redis, logger, queues } = runtime;
  const core = await createCore({
    config,
    mongo,
    redis,
    logger,
    ...(clock === undefined ? {} : { clock }),
    ports: queuePorts(queues, createFileFetcher(config, redis)),
    userCache: await startUserCache(runtime),
  });
  if (config.redis.cluster === undefined) {
    const prefix = config.redis.prefix;
    const moved = await moveUntaggedKeys(redis, [
      core.conversations.keyMove(),
      core.alerts.keyMove(),
      ...digestKeyMoves(prefix),
      broadcastKeyMove(prefix),
    ]);
    if (moved > 0) logger.info({ moved }, "Redis keys moved to names with a hash tag");
  }
  return core;
}

/** Who is writing, kept between turns; every process hears the others' changes on its own subscriber connection. */
async function startUserCache(runtime: Runtime): Promise<UserCache> {
  const { config, redis, logger, shutdown } = runtime;
  const subscriber = subscriberOf(redis, "trm-subscriber");
  subscriber.on("error", (error: Error) => logger.debug({ err: error }, "subscriber connection error"));
  shutdown.add("connections", "user cache subscriber", () => closeRedis(subscriber));
  const cache = new UserCache({ redis, subscriber, prefix: config.redis.prefix });
  await cache.start();
  return cache;
}

/** The channels' outbound clients, for the workers that deliver notifications and broadcasts. */
export function composeSenders(runtime: Runtime): ChannelSenders {
  return createChannelSenders(runtime.config, runtime.redis, runtime.logger);
}
