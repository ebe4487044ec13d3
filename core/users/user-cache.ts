import type { Redis } from "ioredis";
import type { IdentityDoc, UserDoc } from "./user-model.ts";

/** How long a person's account stays in a process's memory without a change announced (bounds a missed message). */
const TTL_MS = 60_000;
/** How many identities one process keeps (about 1 KiB each): the people active in the last minute, at most. */
const MAX_ENTRIES = 20_000;

interface Entry {
  identity: IdentityDoc;
  user: UserDoc;
  expiresAt: number;
}

/**
 * Each process's memory of identity → account, so a turn needs no database read for who is writing (their roles,
 * ban, language). Bounded (least recently used out first) and short-lived. Every change to a user or an identity
 * goes through {@link UserCache.forget}: the entry is dropped here at once, and every other process (web
 * instances, workers) hears it on one Redis channel and drops its own. A process whose subscription dropped
 * forgets everything when it comes back, since it may have missed a change; the TTL bounds what a change made
 * outside the services (a hand edit in the database) takes to show.
 */
export class UserCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byUser = new Map<string, Set<string>>();
  private readonly redis: Redis;
  private readonly channel: string;
  private readonly subscriber: Redis;
  private readonly maxEntries: number;
  private ready = false;

  constructor(options: { redis: Redis; subscriber: Redis; prefix: string; maxEntries?: number }) {
    this.redis = options.redis;
    this.subscriber = options.subscriber;
    this.channel = `${options.prefix}:users:changed`;
    this.maxEntries = options.maxEntries ?? MAX_ENTRIES;
  }

  /** Subscribes to the changes other processes announce; until then nothing is kept. */
  async start(): Promise<void> {
    this.subscriber.on("message", (channel: string, key: string) => {
      if (channel === this.channel) this.drop(key);
    });
    // While the subscription is down nothing is kept; after a reconnect (ioredis resubscribes) changes made in
    // between were missed, so the memory starts empty.
    this.subscriber.on("close", () => {
      this.ready = false;
      this.clear();
    });
    this.subscriber.on("ready", () => {
      this.clear();
      this.ready = true;
    });
    await this.subscriber.subscribe(this.channel);
    this.ready = true;
  }

  get(identityKey: string): { identity: IdentityDoc; user: UserDoc } | undefined {
    const entry = this.entries.get(identityKey);
    if (entry === undefined) return undefined;
    if (entry.expiresAt < Date.now() || !this.ready) {
      this.remove(identityKey);
      return undefined;
    }
    // Most recently used last: the Map's order is the eviction order.
    this.entries.delete(identityKey);
    this.entries.set(identityKey, entry);
    return { identity: entry.identity, user: entry.user };
  }

  set(identity: IdentityDoc, user: UserDoc): void {
    if (!this.ready) return;
    this.remove(identity._id);
    this.entries.set(identity._id, { identity, user, expiresAt: Date.now() + TTL_MS });
    for (const id of new Set([user._id, identity.userId])) {
      const keys = this.byUser.get(id) ?? new Set<string>();
      keys.add(identity._id);
      this.byUser.set(id, keys);
    }
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.remove(oldest);
    }
  }

  /** A user (by id) or an identity (by key) changed: dropped here and announced to every process. */
  async forget(key: string): Promise<void> {
    this.drop(key);
    // With Redis unreachable every process's subscription is down too, and none of them keeps anything.
    await this.redis.publish(this.channel, key).catch(() => undefined);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Whether this process has the identity in memory now (a change announced elsewhere drops it within ms). */
  has(identityKey: string): boolean {
    return this.entries.has(identityKey);
  }

  private drop(key: string): void {
    this.remove(key);
    for (const identityKey of this.byUser.get(key) ?? []) this.remove(identityKey);
    this.byUser.delete(key);
  }

  private remove(identityKey: string): void {
    const entry = this.entries.get(identityKey);
    if (entry === undefined) return;
    this.entries.delete(identityKey);
    for (const id of [entry.user._id, entry.identity.userId]) {
      const keys = this.byUser.get(id);
      keys?.delete(identityKey);
      if (keys?.size === 0) this.byUser.delete(id);
    }
  }

  private clear(): void {
    this.entries.clear();
    this.byUser.clear();
  }
}
