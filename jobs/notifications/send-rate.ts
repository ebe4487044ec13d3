import type { Redis } from "ioredis";
import { RedisScript } from "../../core/db/redis-script.ts";

/**
 * Reserves the next paced slot: slots are one interval apart across every worker (Redis' clock, one key per
 * transport), so sends spread evenly. Returns how long to wait first.
 */
const PACE = new RedisScript(`
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(nowMs, tat)
redis.call('SET', KEYS[1], tostring(slot + tonumber(ARGV[1])), 'PX', 600000)
return slot - nowMs`);

/**
 * At the moment of leaving: records the send if the last second (every worker's sends, Redis' clock) holds fewer
 * than the limit and answers {0, when (Redis ms)}, otherwise {how long until the oldest leaves the window, 0}; a pause
 * (429) answers its remaining time. Pacing alone lets a process that stalled past its slots release them in one
 * burst on waking; this log of sends that actually left caps any one-second window whatever happened before.
 */
const DEPART = new RedisScript(`
local paused = redis.call('PTTL', KEYS[3])
if paused > 0 then return {paused, 0} end
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nowMs - 1000)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  local seq = redis.call('INCR', KEYS[2])
  redis.call('ZADD', KEYS[1], nowMs, tostring(seq))
  redis.call('PEXPIRE', KEYS[1], 2000)
  redis.call('PEXPIRE', KEYS[2], 600000)
  return {0, nowMs}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {math.max(1, tonumber(oldest[2]) + 1000 - nowMs), 0}`);

/** Marks a pause (a 429's retry_after) and pushes every future paced slot past it: every send waits it out. */
const PAUSE = new RedisScript(`
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
redis.call('SET', KEYS[1], tostring(math.max(tat, nowMs + tonumber(ARGV[1]))), 'PX', 600000)
redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
return 1`);

/**
 * 90% of the limit per second: between taking a slot and the request reaching the platform there are a database
 * write and the network, whose jitter (tens of ms on a loaded machine) must not squeeze one more send into any
 * one-second window.
 */
const MARGIN = 0.9;

export class SendRate {
  private readonly redis: Redis;
  private readonly key: string;
  private readonly perWindow: number;
  private readonly intervalMs: number;

  constructor(options: { redis: Redis; key: string; perSecond: number }) {
    this.redis = options.redis;
    // One hash tag for the log, its counter and the pause, so the script's keys share a slot on a Redis Cluster.
    this.key = `{${options.key}}`;
    this.perWindow = Math.max(1, Math.floor(options.perSecond * MARGIN));
    this.intervalMs = 1000 / (options.perSecond * MARGIN);
  }

  /** Milliseconds until this send's paced slot. */
  async reserve(): Promise<number> {
    return Number(await PACE.run(this.redis, [`${this.key}:pace`], [String(this.intervalMs)]));
  }

  /**
   * {0, when it left (Redis' clock, ms)} when the send may leave now (and it is recorded as left), otherwise
   * {milliseconds to wait before asking again, 0}.
   */
  private async depart(): Promise<[number, number]> {
    const keys = [`${this.key}:log`, `${this.key}:seq`, `${this.key}:paused`];
    const [wait, at] = (await DEPART.run(this.redis, keys, [String(this.perWindow)])) as [number, number];
    return [Number(wait), Number(at)];
  }

  /**
   * Waits for the paced slot, then until the last second has room and no pause holds; resolves when it may leave,
   * with the moment it was recorded as leaving (Redis' clock, ms).
   */
  async acquire(): Promise<number> {
    const wait = await this.reserve();
    if (wait > 0) await sleep(wait);
    for (;;) {
      const [more, at] = await this.depart();
      if (more === 0) return at;
      await sleep(more);
    }
  }

  async pause(ms: number): Promise<void> {
    await PAUSE.run(this.redis, [`${this.key}:pace`, `${this.key}:paused`], [String(Math.max(1, Math.round(ms)))]);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
