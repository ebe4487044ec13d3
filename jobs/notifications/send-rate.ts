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

/** Pushes every future slot to at least `now + ms` (a platform's 429 retry_after). */
const PAUSE = `
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
redis.call('SET', KEYS[1], tostring(math.max(tat, nowMs + tonumber(ARGV[1]))), 'PX', 600000)
return 1`;

/** 3% under the limit, so network jitter cannot squeeze one more send into a one-second window. */
const MARGIN = 0.97;

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

  async pause(ms: number): Promise<void> {
    await this.redis.eval(PAUSE, 1, this.key, String(ms));
  }
}
