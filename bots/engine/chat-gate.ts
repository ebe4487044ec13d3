import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { AppError } from "../../core/errors/app-error.ts";
import { chatSlot } from "../../core/conversations/chat-keys.ts";
import { RedisScript } from "../../core/db/redis-script.ts";

/** Puts an entry in the chat's line and (re)starts its heartbeat. */
const REGISTER = new RedisScript(`
redis.call('ZADD', KEYS[1], 'NX', ARGV[2], ARGV[1])
redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`);

/**
 * Takes the chat's turn when this entry is first in line and nobody holds the lock, and then in the same step takes
 * one update from the chat's allowance (a token bucket in a hash: `ARGV[10]` updates at once, refilled at that many
 * per `ARGV[7]` ms; '0' turns it off) and reads what the turn needs (string values, list lengths). Answers
 * {1, over, values...} = taken (`over`: 0 within the allowance, else how many updates found it spent since the chat
 * was last quiet for a window, so a flood hears one notice),
 * {2} = evicted a dead entry, {0} = wait. KEYS: pending, lock, beat, allowance, then the strings to read, then the
 * lists to measure. With a sequence in `ARGV[8]` it first puts the entry in line, as REGISTER does (for a turn taken
 * without a grace).
 */
const ACQUIRE = new RedisScript(`
redis.call('SET', KEYS[3], '1', 'PX', ARGV[6])
if ARGV[8] ~= '' then
  redis.call('ZADD', KEYS[1], 'NX', ARGV[8], ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[9])
end
local head = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
if head ~= ARGV[1] then
  if head and redis.call('EXISTS', ARGV[4] .. head) == 0 then
    redis.call('ZREM', KEYS[1], head)
    return {2}
  end
  return {0}
end
if not redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then return {0} end
local over = 0
if ARGV[7] ~= '0' then
  local window = tonumber(ARGV[7])
  local burst = tonumber(ARGV[10])
  local clock = redis.call('TIME')
  local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
  local state = redis.call('HMGET', KEYS[4], 'tokens', 'at', 'over')
  local tokens = tonumber(state[1]) or burst
  local at = tonumber(state[2]) or now
  tokens = math.min(burst, tokens + math.max(0, now - at) * burst / window)
  local refused = tonumber(state[3]) or 0
  if tokens >= 1 then
    tokens = tokens - 1
  else
    refused = refused + 1
    over = refused
  end
  redis.call('HSET', KEYS[4], 'tokens', tostring(tokens), 'at', tostring(now), 'over', tostring(refused))
  redis.call('PEXPIRE', KEYS[4], window)
end
local out = {1, over}
local strings = tonumber(ARGV[5])
for i = 5, #KEYS do
  if i - 4 <= strings then
    out[#out + 1] = redis.call('GET', KEYS[i]) or false
  else
    out[#out + 1] = redis.call('LLEN', KEYS[i])
  end
end
return out`);

/**
 * Gives the turn back and, in the same step, writes what the turn left for the end (each: 's' value ttl-ms, where a
 * ttl of 0 keeps the value, or 'd' to delete). KEYS: pending, lock, beat, then the keys written.
 */
const RELEASE = new RedisScript(`
if redis.call('GET', KEYS[2]) == ARGV[2] then redis.call('DEL', KEYS[2]) end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[3])
for i = 4, #KEYS do
  local at = 3 + (i - 4) * 3
  if ARGV[at] == 'd' then
    redis.call('DEL', KEYS[i])
  elseif ARGV[at + 2] == '0' then
    redis.call('SET', KEYS[i], ARGV[at + 1])
  else
    redis.call('SET', KEYS[i], ARGV[at + 1], 'PX', ARGV[at + 2])
  end
end
return 1`);

/** What a turn reads as it starts: keys of the same chat (the same hash tag), so one script can read them all. */
export interface TurnReads {
  strings?: string[];
  lists?: string[];
  /**
   * The platform sends a chat's next update only once the current one is answered (Telegram), so no earlier update
   * can still be on its way: the turn is taken without the grace.
   */
  serialDelivery?: boolean;
  /**
   * Takes the update from the chat's allowance (the inbound rate limit): `burst` at once, refilled at `burst` per
   * `windowMs`; the outcome is `TurnIo.over`.
   */
  allowance?: { key: string; burst: number; windowMs: number };
}

/** The values read as the turn started, and the writes to make as it ends (in the step that releases the chat). */
export interface TurnIo {
  /**
   * 0 when the update was within the chat's allowance (or there is none); otherwise how many updates, this one
   * included, found it spent since the chat was last quiet for a window.
   */
  over: number;
  string(key: string): string | null;
  listLength(key: string): number;
  /** Written when the turn ends, with the release: `null` deletes, `ttlMs` 0 keeps the value for good. */
  later(key: string, value: string | null, ttlMs?: number): void;
}

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
 * Runs the updates of one chat one at a time and in sequence order, across every web instance sharing Redis. Each
 * update waits in a per-chat sorted set (score = sequence); the first in line takes the chat lock. Waiters keep a
 * heartbeat key alive, so an entry left by a crashed instance is evicted within seconds instead of blocking the chat.
 *
 * An uncontended turn costs two Redis commands of the gate's own: acquire (which also puts the entry in line when
 * there is no grace, and reads the turn's state) and release (which also writes what the turn left for its end);
 * with the grace (Viber, the sandbox) the entry is put in line by a register first. Every key of a chat carries the
 * chat's hash tag, so on a Redis Cluster the scripts touch one slot.
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

  /** Where the chat's line of waiting updates is kept (for tests and operators). */
  pendingKey(chatKey: string): string {
    return `${this.prefix}:${chatSlot(chatKey)}:pending`;
  }

  async run<T>(
    chatKey: string,
    sequence: number,
    updateKey: string,
    reads: TurnReads,
    work: (io: TurnIo) => Promise<T>,
  ): Promise<T> {
    const base = `${this.prefix}:${chatSlot(chatKey)}`;
    const pending = `${base}:pending`;
    const lock = `${base}:lock`;
    const beatPrefix = `${base}:beat:`;
    // randomUUID draws from a cached pool of random bytes: randomBytes was 2 % of a turn's CPU here.
    const member = `${updateKey}#${randomUUID().slice(0, 8)}`;
    const beat = `${beatPrefix}${member}`;
    const token = randomUUID();
    const beatMs = 5_000;
    const strings = reads.strings ?? [];
    const lists = reads.lists ?? [];
    const writes = new Map<string, { value: string | null; ttlMs: number }>();

    // Without a grace nothing can arrive between putting the entry in line and trying the turn: one script does both.
    const withGrace = this.graceMs > 0 && reads.serialDelivery !== true;
    if (withGrace) await REGISTER.run(this.redis, [pending, beat], [member, String(sequence), String(beatMs), LINE_MS]);
    let holding = false;
    const heartbeat = setInterval(() => {
      const renew = this.redis.multi().pexpire(beat, beatMs);
      if (holding) renew.pexpire(lock, this.lockMs);
      renew.exec().catch(() => undefined);
    }, 1_500);
    try {
      if (withGrace) await sleep(this.graceMs);
      const deadline = Date.now() + this.waitMs;
      let pause = 5;
      let values: unknown[];
      let over = 0;
      for (;;) {
        const result = (await ACQUIRE.run(
          this.redis,
          [pending, lock, beat, reads.allowance?.key ?? `${base}:allowance`, ...strings, ...lists],
          [
            member,
            token,
            String(this.lockMs),
            beatPrefix,
            String(strings.length),
            String(beatMs),
            String(reads.allowance?.windowMs ?? 0),
            withGrace ? "" : String(sequence),
            LINE_MS,
            String(reads.allowance?.burst ?? 0),
          ],
        )) as unknown[];
        if (result[0] === 1) {
          over = Number(result[1]);
          values = result.slice(2);
          break;
        }
        if (result[0] === 2) continue;
        if (Date.now() > deadline) {
          throw new AppError("chat_busy", `chat ${chatKey} stayed busy for ${this.waitMs} ms`, {
            retryAfterMs: 1_000,
          });
        }
        await sleep(pause + Math.random() * pause);
        pause = Math.min(pause * 2, 50);
      }
      holding = true;
      const read = new Map<string, unknown>([...strings, ...lists].map((key, i) => [key, values[i]]));
      const known = (key: string) => {
        if (!read.has(key)) throw new AppError("engine_misconfigured", `the turn did not read ${key}`);
        return read.get(key);
      };
      return await work({
        over,
        string: (key) => (known(key) as string | null | undefined) ?? null,
        listLength: (key) => Number(known(key) ?? 0),
        later: (key, value, ttlMs = 0) => {
          writes.set(key, { value, ttlMs });
        },
      });
    } finally {
      clearInterval(heartbeat);
      const args = [...writes.values()].flatMap(({ value, ttlMs }) =>
        value === null ? ["d", "", "0"] : ["s", value, String(ttlMs)],
      );
      await RELEASE.run(this.redis, [pending, lock, beat, ...writes.keys()], [member, token, ...args]).catch(
        () => undefined,
      );
    }
  }
}

/** How long a chat's line outlives its last entry (entries leave it as their turns end). */
const LINE_MS = "3600000";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
