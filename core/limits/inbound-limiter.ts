import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

export type Admission = "ok" | "slow_down" | "drop";

/**
 * How much one person may send: `burst` updates in any `windowSeconds`, counted in Redis so every web instance
 * shares the count. Past it the person is told once per window to slow down, and the rest of the window's updates
 * are recorded as handled and dropped, so one flood does not slow everyone else down.
 */
export class InboundLimiter {
  private readonly limiter: RateLimiterRedis;
  private readonly burst: number;

  constructor(options: { redis: Redis; prefix: string; burst: number; windowSeconds: number }) {
    this.burst = options.burst;
    this.limiter = new RateLimiterRedis({
      storeClient: options.redis,
      keyPrefix: `${options.prefix}:inbound`,
      points: options.burst,
      duration: options.windowSeconds,
    });
  }

  async admit(chatKey: string): Promise<Admission> {
    try {
      await this.limiter.consume(chatKey);
      return "ok";
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      // The first update over the burst gets the notice; the others of the window go unanswered.
      return rejection.consumedPoints === this.burst + 1 ? "slow_down" : "drop";
    }
  }
}
