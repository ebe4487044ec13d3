import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { RedisScript } from "../../core/db/redis-script.ts";

/** Where an owner's chain ends: its last position and the balances after it. */
export interface ChainEnd {
  seq: number;
  balances: Record<string, number>;
}

/** Takes the lease if free and answers the chain end its last holder left (or ''), else nothing. */
const ACQUIRE = new RedisScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('GET', KEYS[2]) or ''
end
return false`);

/** Leaves the chain end for the next holder and frees the lease, only while still holding it. */
const RELEASE = new RedisScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) end
redis.call('DEL', KEYS[1])
return 1`);

/** Long enough for a batch of inserts on a slow database; a holder that dies frees it this soon. */
const LEASE_MS = 2_000;
/** A writer that cannot get the lease this long writes without it (the unique keys still decide). */
const GIVE_UP_MS = 5_000;
const END_TTL_MS = 86_400_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One writer at a time per ledger owner, across processes, with the chain's end handed from one holder to the next.
 * For speed only: nothing depends on it for correctness. Both keys share a hash tag (one Redis Cluster slot).
 */
export class OwnerLock {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.redis = redis;
    this.prefix = prefix;
  }

  private keys(owner: string): [string, string] {
    return [`${this.prefix}:{${owner}}:lease`, `${this.prefix}:{${owner}}:end`];
  }

  /** Waits for the owner's lease (or gives up after a while: then null), with the end its last holder left. */
  async acquire(owner: string): Promise<{ token: string; end: ChainEnd | null } | null> {
    const token = randomUUID();
    const started = Date.now();
    for (let pause = 1; Date.now() - started < GIVE_UP_MS; pause = Math.min(pause * 2, 16)) {
      const answer = (await ACQUIRE.run(this.redis, this.keys(owner), [token, String(LEASE_MS)])) as string | null;
      if (answer !== null) return { token, end: parseEnd(answer) };
      await sleep(pause * (0.5 + Math.random()));
    }
    return null;
  }

  async release(owner: string, token: string, end: ChainEnd | null): Promise<void> {
    const text = end === null ? "" : JSON.stringify(end);
    await RELEASE.run(this.redis, this.keys(owner), [token, text, String(END_TTL_MS)]);
  }
}

function parseEnd(text: string): ChainEnd | null {
  if (text === "") return null;
  try {
    const value = JSON.parse(text) as Partial<ChainEnd>;
    return typeof value.seq === "number" && typeof value.balances === "object" && value.balances !== null
      ? { seq: value.seq, balances: value.balances }
      : null;
  } catch {
    return null;
  }
}
