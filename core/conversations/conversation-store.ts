import type { Redis } from "ioredis";
import type { EncryptionKey } from "../config/load-config.ts";
import { AppError } from "../errors/app-error.ts";
import { openText, sealText, type SealedText } from "../security/sealed-text.ts";
import { chatSlot } from "./chat-keys.ts";
import type { KeyMove } from "../db/redis-key-moves.ts";
import { RedisScript } from "../../core/db/redis-script.ts";

/**
 * How many processed update keys a conversation remembers for dedupe (platforms redeliver recent updates only).
 * Telegram chats are deduped by order first (see {@link handledBefore}: any update older than the newest handled is
 * a redelivery), so a few keys are enough there (about 1 KiB less per person in Redis than the 50 kept before);
 * Viber has no order to rely on, so its window is larger.
 */
export const REMEMBERED_UPDATES = 12;
const REMEMBERED_VIBER_UPDATES = 150;
/** Telegram keeps an undelivered update for at most 24 hours, so only a redelivery within that is judged by order. */
const TELEGRAM_REDELIVERY_MS = 24 * 3600_000;
/** Kept at least this long: Telegram keeps undelivered updates for 24 hours, Viber retries for about one. */
const MIN_RETENTION_MS = 2 * 24 * 3600_000;

export interface ConversationDoc {
  /** The chat: an identity key such as `tg:123`. */
  _id: string;
  userId: string;
  /** Active flow and step; null when the person is at the menu. */
  flow: string | null;
  step: string | null;
  /** Earlier steps of the active flow, for Back. */
  history: string[];
  data: Record<string, unknown>;
  /** Bumped on every write; step buttons carry it to spot stale presses. */
  version: number;
  updatedAt: Date;
  /** Keys of the updates already handled; written in the same value as the state they caused. */
  recentUpdates: string[];
  /** The highest Telegram `update_id` handled in this chat (Telegram sends one chat's updates in order). */
  lastSequence?: number;
  /** The version at which the current step was entered: its buttons from any later turn are still valid. */
  stepVersion?: number;
  /** A form left for a command or another flow, offered back with "Continue" until it expires. */
  paused?: PausedFlow;
  /**
   * The buttons of the last turn, so a label typed back as text works like the press: keyed by a hash of the
   * label (labels can name a candidate; nothing personal rests in Redis in clear).
   */
  typedKeys?: Array<{ hash: string; data: string }>;
}

export interface PausedFlow {
  flow: string;
  step: string;
  history: string[];
  data: Record<string, unknown>;
  pausedAt: Date;
}

/**
 * Whether an update was handled already: its key is in the recent window, or, on Telegram, its `update_id` is below
 * the highest one handled in this chat within the last 24 hours. Telegram delivers a chat's updates one after
 * another and ids only grow, so an older id arriving later is a redelivery, however many updates came in between.
 * (After a week with no updates Telegram may restart ids lower; the 24-hour bound keeps that case out.)
 */
export function handledBefore(
  stored: ConversationDoc,
  update: { key: string; sequence: number; transport: string },
  now: Date,
): boolean {
  if (stored.recentUpdates.includes(update.key)) return true;
  return (
    update.transport === "telegram" &&
    stored.lastSequence !== undefined &&
    update.sequence < stored.lastSequence &&
    now.getTime() - new Date(stored.updatedAt).getTime() < TELEGRAM_REDELIVERY_MS
  );
}

export function freshConversation(chatKey: string, userId: string, now: Date): ConversationDoc {
  return {
    _id: chatKey,
    userId,
    flow: null,
    step: null,
    history: [],
    data: {},
    version: 0,
    updatedAt: now,
    recentUpdates: [],
  };
}

/**
 * Conversation state, one Redis value per chat (persisted by Redis' AOF,
 * never held in process memory). State and the keys of the updates that
 * produced it are one value, so "handled" and "what it changed" are written
 * together by one SET. Only the chat's turn (ChatGate) reads and writes it,
 * and a write checks the version it read. The value outlives the flow
 * expiry so the engine can still say "let's start again".
 */
export class ConversationStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly retentionMs: number;
  /** A flow's data can hold personal fields (a KYC name, birth date, NRC, a wallet phone): sealed before it rests. */
  private readonly keys: EncryptionKey[];

  constructor(options: { redis: Redis; prefix: string; flowTtlMs: number; keys: EncryptionKey[] }) {
    this.redis = options.redis;
    this.keys = options.keys;
    this.prefix = `${options.prefix}:conv`;
    this.retentionMs = Math.max(MIN_RETENTION_MS, options.flowTtlMs * 2);
  }

  /** Where a chat's conversation rests (read by the chat's turn as it starts, with the lock). */
  key(chatKey: string): string {
    return `${this.prefix}:${chatSlot(chatKey)}`;
  }

  async load(chatKey: string): Promise<ConversationDoc | null> {
    return this.parse(chatKey, await this.redis.get(this.key(chatKey)));
  }

  /** The conversation from its stored value (null: none yet). */
  parse(chatKey: string, raw: string | null): ConversationDoc | null {
    if (raw === null) return null;
    const stored = JSON.parse(raw) as Omit<ConversationDoc, "updatedAt" | "data" | "paused"> & {
      updatedAt: string;
      data?: Record<string, unknown>;
      sealed?: SealedText;
      paused?: StoredPaused;
    };
    const { sealed, paused, ...rest } = stored;
    const data =
      sealed === undefined
        ? (stored.data ?? {})
        : (JSON.parse(openText(this.keys, sealed, `conversation:${chatKey}`)) as Record<string, unknown>);
    return {
      ...rest,
      data,
      updatedAt: new Date(stored.updatedAt),
      ...(paused === undefined ? {} : { paused: this.openPaused(chatKey, paused) }),
    };
  }

  private openPaused(chatKey: string, paused: StoredPaused): PausedFlow {
    const { sealed, data, pausedAt, ...rest } = paused;
    return {
      ...rest,
      pausedAt: new Date(pausedAt),
      data:
        sealed === undefined
          ? (data ?? {})
          : (JSON.parse(openText(this.keys, sealed, `conversation-paused:${chatKey}`)) as Record<string, unknown>),
    };
  }

  private sealPaused(chatKey: string, paused: PausedFlow): StoredPaused {
    const key = this.keys[0];
    const { data, pausedAt, ...rest } = paused;
    return {
      ...rest,
      pausedAt: pausedAt.toISOString(),
      ...(key === undefined
        ? { data }
        : { sealed: sealText(key, JSON.stringify(data), `conversation-paused:${chatKey}`) }),
    };
  }

  /** Writes version `next.version` over the version read in this turn (`next.version - 1`). */
  async save(next: ConversationDoc): Promise<void> {
    const keep = next._id.startsWith("vb:") ? REMEMBERED_VIBER_UPDATES : REMEMBERED_UPDATES;
    const key = this.keys[0];
    const { data, paused, ...rest } = next;
    const value = JSON.stringify({
      ...rest,
      ...(paused === undefined ? {} : { paused: this.sealPaused(next._id, paused) }),
      recentUpdates: next.recentUpdates.slice(-keep),
      // The flow's data is sealed with the first (current) master key; an empty one is left out. Without any key
      // configured (a developer's process without ENCRYPTION_KEY; production requires one) it stays as it is.
      ...(Object.keys(data).length === 0
        ? {}
        : key === undefined
          ? { data }
          : { sealed: sealText(key, JSON.stringify(data), `conversation:${next._id}`) }),
    });
    const written = await SAVE.run(
      this.redis,
      [this.key(next._id)],
      [String(next.version - 1), value, String(this.retentionMs)],
    );
    if (written !== 1) throw new AppError("conversation_conflict", `conversation ${next._id} changed outside its turn`);
  }

  /** Conversations stored before keys carried the chat's hash tag (`conv:tg:123` → `conv:tg:{123}`). */
  keyMove(): KeyMove {
    return { family: `${this.prefix}:`, to: (chatKey) => this.key(chatKey) };
  }

  /** Forgets where a person was (admin "reset conversation"); the dedupe memory is kept. */
  async reset(chatKey: string): Promise<void> {
    const current = await this.load(chatKey);
    if (current === null) return;
    const next: ConversationDoc = {
      ...current,
      flow: null,
      step: null,
      history: [],
      data: {},
      version: current.version + 1,
    };
    delete next.paused;
    await this.save(next);
  }
}

type StoredPaused = Omit<PausedFlow, "data" | "pausedAt"> & {
  pausedAt: string;
  data?: Record<string, unknown>;
  sealed?: SealedText;
};

/** Compare-and-set on the stored version (0 = no value yet). */
const SAVE = new RedisScript(`
local current = redis.call('GET', KEYS[1])
local version = 0
if current then version = cjson.decode(current).version end
if tostring(version) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`);
