import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { AppError } from "../../core/errors/app-error.ts";

/**
 * Takes the chat's turn when this entry is first in line and nobody holds the lock. 1 = taken, 2 = evicted a dead
 * entry, 0 = wait.
 */
const ACQUIRE = `
local head = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
if head ~= ARGV[1] then
  if head and redis.call('EXISTS', ARGV[4] .. head) == 0 then
    redis.call('ZREM', KEYS[1], head)
    return 2
  end
  return 0
end
if redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then return 1 end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[2]) == ARGV[2] then redis.call('DEL', KEYS[2]) end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[3])
return 1`;

export interface ChatGateOptions {
  redis: Redis;
  prefix: string;
  /** How long an entry waits for its turn before giving up with retry_later (the platform redelivers). */
  waitMs?: number;
  /** Lets a concurrently sent earlier update register before a later one takes the turn. */
  graceMs?: number;
  /** Lock lifetime; renewed while the turn runs, so a crashed holder blocks the chat this long at most. */
  lockMs?: number;
}

/**
 * Runs the updates of one chat one at a time and in sequence order, across
 * every web instance sharing Redis. Each update waits in a per-chat sorted set
 * (score = sequence); the first in line takes the chat lock. Waiters keep a
 * heartbeat key alive, so an entry left by a crashed instance is evicted
 * within seconds instead of blocking the chat.
 */
export class ChatGate {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly waitMs: number;
  private readonly graceMs: number;
  private readonly lockMs: number;

  constructor(options: ChatGateOptions) {
    this.redis = options.redis;
    this.prefix = `${options.prefix}:chat`;
    this.waitMs = options.waitMs ?? 20_000;
    this.graceMs = options.graceMs ?? 25;
    this.lockMs = options.lockMs ?? 10_000;
  }

  async run<T>(chatKey: string, sequence: number, updateKey: string, work: () => Promise<T>): Promise<T> {
    const base = `${this.prefix}:${chatKey}`;
    const pending = `${base}:pending`;
    const lock = `${base}:lock`;
    const beatPrefix = `${base}:beat:`;
    const member = `${updateKey}#${randomBytes(4).toString("hex")}`;
    const beat = `${beatPrefix}${member}`;
    const token = randomBytes(8).toString("hex");
    const beatMs = 5_000;

    await this.redis
      .multi()
      .zadd(pending, sequence, member)
      .set(beat, "1", "PX", beatMs)
      .pexpire(pending, 3_600_000)
      .exec();
    let holding = false;
    const heartbeat = setInterval(() => {
      const renew = this.redis.multi().pexpire(beat, beatMs);
      if (holding) renew.pexpire(lock, this.lockMs);
      renew.exec().catch(() => undefined);
    }, 1_500);
    try {
      if (this.graceMs > 0) await sleep(this.graceMs);
      const deadline = Date.now() + this.waitMs;
      let pause = 5;
      for (;;) {
        const result = await this.redis.eval(ACQUIRE, 2, pending, lock, member, token, String(this.lockMs), beatPrefix);
        if (result === 1) break;
        if (result === 2) continue;
        if (Date.now() > deadline) {
          throw new AppError("chat_busy", `chat ${chatKey} stayed busy for ${this.waitMs} ms`, {
            retryAfterMs: 1_000,
          });
        }
        await sleep(pause + Math.random() * pause);
        pause = Math.min(pause * 2, 50);
      }
      holding = true;
      return await work();
    } finally {
      clearInterval(heartbeat);
      await this.redis.eval(RELEASE, 3, pending, lock, beat, member, token).catch(() => undefined);
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
