import type { Redis } from "ioredis";

/** A family of keys renamed when its keys gained a hash tag: the old keys' pattern and each one's new name. */
export interface KeyMove {
  match: string;
  /** The new name of an old key (undefined: the key is not one of the family, or already moved). */
  to(oldKey: string): string | undefined;
}

/**
 * Renames keys stored before they carried a Redis Cluster hash tag, so what they hold (a person's form, alert
 * subscriptions, a running broadcast's progress, tomorrow's digest) survives the upgrade. Idempotent and cheap once
 * done (one SCAN pass). Run at start-up on a single Redis only: a cluster deployment never had the old keys.
 */
export async function moveUntaggedKeys(redis: Redis, moves: KeyMove[]): Promise<number> {
  let moved = 0;
  for (const move of moves) {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", move.match, "COUNT", 1000);
      cursor = next;
      for (const key of keys) {
        const target = key.includes("{") ? undefined : move.to(key);
        if (target !== undefined) moved += await redis.renamenx(key, target).catch(() => 0);
      }
    } while (cursor !== "0");
  }
  return moved;
}
