import { createFileFetcher } from "../bots/channels/file-fetchers.ts";
import { createChannelSenders } from "../bots/channels/senders.ts";
import { createCore, type Core } from "../core/app/create-core.ts";
import type { ChannelSenders } from "../core/notifications/channel-sender.ts";
import type { Runtime } from "../jobs/runtime/create-runtime.ts";
import { queuePorts } from "../jobs/runtime/queue-ports.ts";

/**
 * The process's core on its runtime, with the ports wired: BullMQ producers from `jobs/`, the file fetcher from the
 * channel adapters in `bots/`. Lives here because only `webhooks/` may import both.
 */
export function composeCore(runtime: Runtime, clock?: () => Date): Promise<Core> {
  const { config, mongo, redis, logger, queues } = runtime;
  return createCore({
    config,
    mongo,
    redis,
    logger,
    ...(clock === undefined ? {} : { clock }),
    ports: queuePorts(queues, createFileFetcher(config, redis)),
  });
}

/** The channels' outbound clients, for the workers that deliver notifications and broadcasts. */
export function composeSenders(runtime: Runtime): ChannelSenders {
  return createChannelSenders(runtime.config, runtime.redis, runtime.logger);
}
