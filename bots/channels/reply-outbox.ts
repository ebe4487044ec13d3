import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { EncryptionKey } from "../../core/config/load-config.ts";
import { RedisScript } from "../../core/db/redis-script.ts";
import { openText, sealText, type SealedText } from "../../core/security/sealed-text.ts";
import type { Reply } from "../engine/contract.ts";

/** What became of one reply the platform did not take: try again later, maybe delivered, never deliverable. */
export type SendFailure = "retry" | "uncertain" | "refused" | "blocked";

export interface DrainReport {
  sent: number;
  /** Sent, but the answer never came: counted, never sent again. */
  uncertain: number;
  /** The platform refused the reply itself (too long, a bad button): dropped. */
  dropped: number;
  /** Still waiting (the platform is still down, or another process is draining this chat). */
  left: number;
  /** The person blocked the bot: their waiting replies were dropped. */
  blocked: boolean;
}

/** A reply as it waits: no edit (the message it would have edited may be far up the chat by now), no file bytes. */
export type WaitingReply = Exclude<Reply, { kind: "file" }>;

/** A person who keeps tapping through a long outage does not need more than this many answers waiting. */
const MAX_WAITING = 200;
const KEEP_MS = 7 * 86_400_000;
/** One drainer per chat at a time, across processes (order, and never the same reply from two of them). */
const LEASE_MS = 30_000;

const RELEASE = new RedisScript(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`,
);

/**
 * Replies a platform could not take (it was down, refused the connection or answered 5xx), kept per chat in order in
 * Redis and sent when it is back: by the chat's next turn (whose replies queue behind them) or by the worker's drain
 * job. A reply whose send may have reached the platform is never sent again. Replies rest sealed with the master key
 * (they can hold personal data: a KYC summary, a wallet number).
 */
export class ReplyOutbox {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly keys: EncryptionKey[];

  constructor(options: { redis: Redis; prefix: string; keys: EncryptionKey[] }) {
    this.redis = options.redis;
    this.prefix = `${options.prefix}:outbox`;
    this.keys = options.keys;
  }

  /** The chat's waiting replies (a list; its length is read with the chat's turn). */
  list(chat: string): string {
    return `${this.prefix}:{${chat}}:replies`;
  }

  private lease(chat: string): string {
    return `${this.prefix}:{${chat}}:lease`;
  }

  private get chats(): string {
    return `${this.prefix}:chats`;
  }

  /** Whether replies wait for this chat (a new turn's replies then queue behind them, so the order holds). */
  async waiting(chat: string): Promise<boolean> {
    return (await this.redis.llen(this.list(chat))) > 0;
  }

  /** Queues replies for a chat, after any already waiting. */
  async append(chat: string, replies: Reply[]): Promise<void> {
    if (replies.length === 0) return;
    const items = replies.map((reply) => this.seal(chat, waitingReply(reply)));
    await this.redis
      .multi()
      .rpush(this.list(chat), ...items)
      .ltrim(this.list(chat), -MAX_WAITING, -1)
      .pexpire(this.list(chat), KEEP_MS)
      .exec();
    await this.redis.sadd(this.chats, chat);
  }

  /** Chats with replies waiting (some of them; the drain job takes them in turns). */
  async chatsWaiting(count = 200): Promise<string[]> {
    return this.redis.srandmember(this.chats, count);
  }

  /**
   * Sends a chat's waiting replies in order, one drainer at a time. Each is taken off the list before it is sent, so
   * a crash mid-send loses that one rather than sending it twice; a send that never reached the platform puts it
   * back at the head and stops until later.
   */
  async drain(
    chat: string,
    send: (reply: WaitingReply) => Promise<void>,
    classify: (error: unknown) => SendFailure,
  ): Promise<DrainReport> {
    const report: DrainReport = { sent: 0, uncertain: 0, dropped: 0, left: 0, blocked: false };
    const token = randomUUID();
    if ((await this.redis.set(this.lease(chat), token, "PX", LEASE_MS, "NX")) === null) {
      report.left = await this.redis.llen(this.list(chat));
      return report;
    }
    try {
      for (;;) {
        const raw = await this.redis.lpop(this.list(chat));
        if (raw === null) break;
        const reply = this.open(chat, raw);
        if (reply === null) {
          report.dropped++;
          continue;
        }
        try {
          await send(reply);
          report.sent++;
        } catch (error) {
          const failure = classify(error);
          if (failure === "retry") {
            await this.redis.lpush(this.list(chat), raw);
            break;
          }
          if (failure === "uncertain") report.uncertain++;
          if (failure === "refused") report.dropped++;
          if (failure === "blocked") {
            report.dropped += 1 + (await this.redis.llen(this.list(chat)));
            await this.redis.del(this.list(chat));
            report.blocked = true;
            break;
          }
        }
      }
      report.left = await this.redis.llen(this.list(chat));
      if (report.left === 0) {
        await this.redis.srem(this.chats, chat);
        // A reply queued meanwhile keeps the chat on the list.
        if ((await this.redis.llen(this.list(chat))) > 0) await this.redis.sadd(this.chats, chat);
      }
      return report;
    } finally {
      await RELEASE.run(this.redis, [this.lease(chat)], [token]);
    }
  }

  private seal(chat: string, reply: WaitingReply): string {
    const key = this.keys[0];
    // Without a master key (a developer's process; production requires one) the reply waits as it is.
    return JSON.stringify(key === undefined ? { p: reply } : { s: sealText(key, JSON.stringify(reply), aad(chat)) });
  }

  private open(chat: string, raw: string): WaitingReply | null {
    try {
      const item = JSON.parse(raw) as { p?: WaitingReply; s?: SealedText };
      if (item.s !== undefined) return JSON.parse(openText(this.keys, item.s, aad(chat))) as WaitingReply;
      return item.p ?? null;
    } catch {
      return null;
    }
  }
}

const aad = (chat: string): string => `reply-outbox:${chat}`;

/** No edit; a file's bytes do not wait in Redis: its caption and short-lived link go as text instead. */
function waitingReply(reply: Reply): WaitingReply {
  if (reply.kind === "file")
    return {
      kind: "text",
      text: [reply.caption, reply.link].filter((part) => part !== undefined && part !== "").join("\n"),
      ...(reply.buttons === undefined ? {} : { buttons: reply.buttons }),
    };
  if (reply.kind === "text") {
    const waiting = { ...reply };
    delete waiting.edit;
    return waiting;
  }
  return reply;
}
