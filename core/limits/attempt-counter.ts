import type { Redis } from "ioredis";

/**
 * Counts failed attempts per subject in a fixed window (wrong link codes,
 * later PIN-like inputs). Redis INCR is atomic, so concurrent guesses count.
 */
export class AttemptCounter {
  private readonly redis: Redis;
  private readonly prefix: string;
  readonly max: number;
  private readonly windowSeconds: number;

  constructor(options: { redis: Redis; prefix: string; max: number; windowSeconds: number }) {
    this.redis = options.redis;
    this.prefix = options.prefix;
    this.max = options.max;
    this.windowSeconds = options.windowSeconds;
  }

  private key(subject: string): string {
    return `${this.prefix}:${subject}`;
  }

  async isLocked(subject: string): Promise<boolean> {
    return Number((await this.redis.get(this.key(subject))) ?? 0) >= this.max;
  }

  /** Records a failure; returns how many attempts are left. */
  async fail(subject: string): Promise<number> {
    const key = this.key(subject);
    const count = await this.redis.incr(key);
    if (count === 1) await this.redis.expire(key, this.windowSeconds);
    return Math.max(0, this.max - count);
  }

  async clear(subject: string): Promise<void> {
    await this.redis.del(this.key(subject));
  }
}
