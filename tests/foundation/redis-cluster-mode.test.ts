import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertDayKey } from "../../core/catalog/alert-fanout.ts";
import { broadcastKeys } from "../../jobs/broadcasts/broadcast-runner.ts";
import { queuePrefix } from "../../jobs/redis/create-redis.ts";
import { buildTestApp, type TestApp } from "../helpers/test-runtime.ts";

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ definitions: [] });
});
afterAll(() => t.close());

/** Redis Cluster's rule: a key's slot is decided by the text in its first `{…}` when there is one. */
const hashTag = (key: string): string => {
  const open = key.indexOf("{");
  const close = open < 0 ? -1 : key.indexOf("}", open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
};

describe("keys that a script or a transaction uses together share one hash slot", () => {
  it("a chat's keys: its line, conversation, rate count, newest message and waiting replies", async () => {
    const chat = "tg:731234567";
    const prefix = t.runtime.config.redis.prefix;
    const keys = [
      t.core.conversations.key(chat),
      t.core.inbound.key(chat),
      `${prefix}:chat:tg:{731234567}:pending`,
      `${prefix}:tg:newest:{731234567}`,
      `${prefix}:tg:outbox:{731234567}:replies`,
    ];
    expect(new Set(keys.map(hashTag))).toEqual(new Set(["731234567"]));
    // A broadcast's progress, a day's alert counts.
    expect(new Set(Object.values(broadcastKeys(prefix, "B1")).map(hashTag))).toEqual(new Set(["B1"]));
    expect(hashTag(alertDayKey(prefix, "2026-12-02"))).toBe("2026-12-02");
    if (process.env.REDIS_CLUSTER_NODES === undefined) return;
    // On the cluster itself: the connection is a Cluster, the slots agree, BullMQ's keys carry `{prefix}`.
    expect(t.runtime.redis).toBeInstanceOf(Cluster);
    const node = (t.runtime.redis as unknown as Cluster).nodes("master")[0];
    const slots = new Set<number>();
    for (const key of keys) slots.add(Number(await node?.cluster("KEYSLOT", key)));
    expect(slots.size).toBe(1);
    expect(queuePrefix(t.runtime.config.redis)).toBe(`{${prefix}}`);
  });
});
