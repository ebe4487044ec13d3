import type { Redis } from "ioredis";

/** A family of keys renamed when its keys gained a hash tag: what the old keys start with, and each one's new name. */
export interface KeyMove {
  family: string;
  /** The new name of an old key, from what follows `family` (undefined: not one of the family's keys). */
  to(rest: string): string | undefined;
}

/**
 * Renames keys stored before they carried a Redis Cluster hash tag, so what they hold (a person's form, alert
 * subscriptions, a running broadcast's progress, tomorrow's digest) survives the upgrade. Idempotent and cheap once
 * done (one SCAN pass). Run at start-up on a single Redis only: a cluster deployment never had the old keys.
 */
export async function moveUntaggedKeys(redis: Redis, moves: KeyMove[]): Promise<number> {
  // One pass over what all the families share (the deployment's prefix), however many families there are.
  const families = moves.map((move) => move.family);
  let shared = families[0] ?? "";
  for (const family of families) while (!family.startsWith(shared)) shared = shared.slice(0, -1);
  let moved = 0;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${shared}*`, "COUNT", 1000);
    cursor = next;
    for (const key of keys) {
      if (key.includes("{")) continue;
      const move = moves.find((candidate) => key.startsWith(candidate.family));
      const target = move?.to(key.slice(move.family.length));
      if (target !== undefined) moved += await redis.renamenx(key, target).catch(() => 0);
    }
  } while (cursor !== "0");
  return moved;
}
