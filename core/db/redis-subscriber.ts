import { Cluster, type Redis } from "ioredis";

/**
 * A second connection to the same Redis (or Redis Cluster) for pub/sub: it waits out a reconnect (offline queue, no
 * retry limit) and resubscribes by itself. A cluster's duplicate takes its options in another shape.
 */
export function subscriberOf(redis: Redis, connectionName: string): Redis {
  const client: unknown = redis;
  if (client instanceof Cluster) {
    return client.duplicate(undefined, {
      enableOfflineQueue: true,
      redisOptions: { maxRetriesPerRequest: null, connectionName },
    }) as unknown as Redis;
  }
  return redis.duplicate({ connectionName, maxRetriesPerRequest: null, enableOfflineQueue: true });
}
