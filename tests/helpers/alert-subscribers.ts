import { alertModel } from "../../core/catalog/alert-service.ts";
import type { IdentityDoc } from "../../core/users/user-model.ts";
import type { TestApp } from "./test-runtime.ts";

/**
 * Subscribes Telegram chats to alerts for one category and region in bulk, as `AlertService.subscribe` would one by one
 * (the alert document and the Redis set the fan-out reads), for fan-out tests with many subscribers.
 */
export async function subscribeToAlerts(
  t: TestApp,
  identities: Array<Pick<IdentityDoc, "_id" | "userId">>,
  where: { category: string; region: string },
): Promise<void> {
  await alertModel(t.runtime.mongo).insertMany(
    identities.map((identity) => ({
      _id: identity.userId,
      identityKey: identity._id,
      transport: "telegram",
      subs: [{ id: `${where.category}.${where.region}`, category: where.category, region: where.region }],
    })),
  );
  await t.runtime.redis.sadd(
    `${t.runtime.config.redis.prefix}:alerts:{alerts}:${where.category}:${where.region}`,
    ...identities.map((identity) => `${identity.userId}|telegram|${identity._id}`),
  );
}
