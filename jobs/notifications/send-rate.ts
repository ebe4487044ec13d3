import type { Redis } from "ioredis";

/**
 * Reserves the next send slot: slots are one interval apart across every
 * worker (Redis' clock, one key per transport), so any one-second window holds
 * at most the configured number of sends. Returns how long to wait first.
 */
const RESERVE = `
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(nowMs, tat)
redis.call('SET', KEYS[1], tostring(slot + tonumber(ARGV[1])), 'PX', 600000)
return slot - nowMs`;

/**
 * Pushes every future slot to at least `now + ms` and marks the pause, so sends already waiting for a slot hold too.
 */
const PAUSE = `
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
redis.call('SET', KEYS[1], tostring(math.max(tat, nowMs + tonumber(ARGV[1]))), 'PX', 600000)
redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
return 1`;

/**
 * Slots are spaced for 90% of the limit: between taking a slot and the request
 * reaching the platform there are a database write and the network, whose
 * jitter (tens of ms on a loaded machine) must not squeeze one more send into
 * any one-second window.
 */
const MARGIN = 0.9;

export class SendRate {
  private readonly redis: Redis;
  private readonly key: string;
  private readonly intervalMs: number;

  constructor(options: { redis: Redis; key: string; perSecond: number }) {
    this.redis = options.redis;
    this.key = options.key;
    this.intervalMs = 1000 / (options.perSecond * MARGIN);
  }

  /** Milliseconds to wait before this send may leave. */
  async reserve(): Promise<number> {
    return Number(await this.redis.eval(RESERVE, 1, this.key, String(this.intervalMs)));
  }

  /** Waits for a slot, and again for any pause (429) that began while waiting; resolves when the send may leave. */
  async acquire(): Promise<void> {
    for (;;) {
      const wait = await this.reserve();
      if (wait > 0) await sleep(wait);
      const paused = await this.redis.pttl(`${this.key}:paused`);
      if (paused <= 0) return;
      await sleep(paused);
    }
  }

  async pause(ms: number): Promise<void> {
    await this.redis.eval(PAUSE, 2, this.key, `${this.key}:paused`, String(Math.max(1, Math.round(ms))));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
