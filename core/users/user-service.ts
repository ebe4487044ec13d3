import type { Connection } from "mongoose";
import { isDuplicateKey } from "../decisions/decision-store.ts";
import { parseMyanmarPhone } from "../myanmar/index.ts";
import { newPublicId, PUBLIC_ID_PATTERN } from "./public-id.ts";
import {
  identitiesOfUser,
  userModels,
  type Channel,
  type IdentityDoc,
  type Language,
  type Role,
  type Transport,
  type UserDoc,
  type UserModels,
  newUserFields,
} from "./user-model.ts";
import { AppError } from "../errors/app-error.ts";
import { InsertBatcher } from "../db/insert-batcher.ts";
import type { EventHub } from "../events/event-hub.ts";
import { yangonDay } from "../values/yangon-time.ts";
import { recordActivity, type ActivityLog } from "./activity-days.ts";
import type { UserCache } from "./user-cache.ts";

export interface ChannelProfile {
  name: string;
  username?: string | undefined;
  /** The platform's language hint (Telegram `language_code`, Viber `user.language`). */
  languageHint?: string | undefined;
}

export type InviteOutcome = "none" | "recorded" | "self" | "unknown" | "already_invited" | "existing_user";

export interface ResolvedUser {
  user: UserDoc;
  identity: IdentityDoc;
  /** True when this contact created the user (first contact). */
  created: boolean;
  invite: InviteOutcome;
}

export function languageFromHint(hint: string | undefined): Language {
  return hint !== undefined && /^my\b/i.test(hint) ? "my" : "en";
}

const LAST_SEEN_RESOLUTION_MS = 10 * 60_000;

export const identityKey = (channel: Channel, externalId: string): string => `${channel}:${externalId}`;

/** Users and their channel identities. Every lookup goes by `_id`. */
export class UserService {
  private readonly models: UserModels;
  private readonly connection: Connection;
  private readonly now: () => Date;
  private readonly events: EventHub | undefined;
  private readonly cache: UserCache | undefined;
  private readonly activity: ActivityLog | undefined;
  /** A first contact's two records, written in batches with those of other first contacts at the same moment. */
  private readonly userInserts: InsertBatcher<UserDoc>;
  private readonly identityInserts: InsertBatcher<IdentityDoc>;

  constructor(
    connection: Connection,
    now: () => Date = () => new Date(),
    events?: EventHub,
    options: { cache?: UserCache | undefined; activity?: ActivityLog | undefined } = {},
  ) {
    this.connection = connection;
    this.models = userModels(connection);
    this.now = now;
    this.events = events;
    this.cache = options.cache;
    this.activity = options.activity;
    this.userInserts = new InsertBatcher(this.models.User);
    this.identityInserts = new InsertBatcher(this.models.Identity);
  }

  /** Records a day of activity: buffered in Redis when the process has the buffer, else written at once. */
  private async recordDay(input: { userId: string; channel: Channel; now: Date; joined: boolean }): Promise<void> {
    if (this.activity === undefined) await recordActivity(this.connection, input);
    else await this.activity.record(input);
  }

  /**
   * A user (by id) or an identity (by key) changed outside this service's own writes (account deletion): every
   * process reads it afresh at its next turn. Each write below calls it itself.
   */
  async forget(key: string): Promise<void> {
    await this.cache?.forget(key);
  }

  /**
   * Whether this process keeps the identity's account in memory. Another process's change reaches it by Redis
   * pub/sub, so it holds from the next turn after the announcement arrives (milliseconds), not the same instant.
   */
  remembers(identityKey: string): boolean {
    return this.cache?.has(identityKey) ?? false;
  }

  async findUser(userId: string): Promise<UserDoc | null> {
    return this.models.User.findById(userId).lean<UserDoc>().exec();
  }

  async findIdentity(key: string): Promise<IdentityDoc | null> {
    return this.models.Identity.findById(key).lean<IdentityDoc>().exec();
  }

  async identitiesOf(userId: string): Promise<IdentityDoc[]> {
    const user = await this.findUser(userId);
    return user === null ? [] : identitiesOfUser(this.connection, user);
  }

  /** The chats of a user already loaded (by `_id`: the fast path on FerretDB). */
  async identitiesOfUser(user: UserDoc): Promise<IdentityDoc[]> {
    return identitiesOfUser(this.connection, user);
  }

  /** Names for a list of people (the leaderboard shows the display name or a masked name). */
  async namesOf(userIds: string[]): Promise<Array<Pick<UserDoc, "_id" | "name" | "displayName">>> {
    if (userIds.length === 0) return [];
    return this.models.User.find({ _id: { $in: userIds } }, { name: 1, displayName: 1 })
      .lean<Array<Pick<UserDoc, "_id" | "name" | "displayName">>>()
      .exec();
  }

  /** The ids of the people invited by any of `inviterIds` (one level of a network). */
  async inviteesOf(inviterIds: string[]): Promise<string[]> {
    if (inviterIds.length === 0) return [];
    const rows = await this.models.User.find({ invitedBy: { $in: inviterIds } }, { _id: 1 })
      .lean<Array<{ _id: string }>>()
      .exec();
    return rows.map((row) => row._id);
  }

  /** Everyone holding a role (a short list), for the Roles section and for who to tell. */
  async roleHolders(limit = 50): Promise<Array<Pick<UserDoc, "_id" | "name" | "roles">>> {
    return this.models.User.find({ roles: { $ne: [] } }, { name: 1, roles: 1 })
      .limit(limit)
      .lean<Array<Pick<UserDoc, "_id" | "name" | "roles">>>()
      .exec();
  }

  async countWithRole(role: Role): Promise<number> {
    return this.models.User.countDocuments({ roles: role }).exec();
  }

  /** Replaces a person's roles (the role service decides and audits). */
  async setRoles(userId: string, roles: Role[]): Promise<void> {
    await this.models.User.updateOne({ _id: userId }, { $set: { roles } }).exec();
    await this.forget(userId);
  }

  /**
   * Active people (of one language, when given) with their chats (of one channel, when given): who a broadcast
   * segment reaches, in pages of `pageSize`, never all in memory. Two cursors read in one pass, people by `_id` and
   * chats by `userId`, merged as they go (ids are ASCII, so both orders agree). The caller picks the chat to use.
   */
  async *audiencePages(
    filter: { language?: Language; channel?: Channel },
    pageSize = 1_000,
  ): AsyncGenerator<Array<{ userId: string; language: Language; identities: IdentityDoc[] }>> {
    const userFilter =
      filter.language === undefined
        ? { status: "active" as const }
        : { status: "active" as const, language: filter.language };
    const users = this.models.User.find(userFilter, { language: 1 })
      .sort({ _id: 1 })
      .lean<Array<Pick<UserDoc, "_id" | "language">>>()
      .cursor({ batchSize: pageSize });
    const identities = this.models.Identity.find(filter.channel === undefined ? {} : { channel: filter.channel }, {
      userId: 1,
      channel: 1,
      externalId: 1,
      transport: 1,
      reachable: 1,
    })
      .sort({ userId: 1, _id: 1 })
      .lean<IdentityDoc[]>()
      .cursor({ batchSize: pageSize });
    try {
      let identity = await identities.next();
      let page: Array<{ userId: string; language: Language; identities: IdentityDoc[] }> = [];
      for await (const user of users as AsyncIterable<Pick<UserDoc, "_id" | "language">>) {
        while (identity !== null && identity.userId < user._id) identity = await identities.next();
        const chats: IdentityDoc[] = [];
        while (identity !== null && identity.userId === user._id) {
          chats.push(identity);
          identity = await identities.next();
        }
        if (chats.length > 0) page.push({ userId: user._id, language: user.language, identities: chats });
        if (page.length >= pageSize) {
          yield page;
          page = [];
        }
      }
      if (page.length > 0) yield page;
    } finally {
      await identities.close();
      await users.close();
    }
  }

  /**
   * Finds the user behind a channel identity, creating both at first contact.
   * The inviter (from a deep-link code) is written only into a new user, so it
   * is recorded once and never changes. Callers hold the chat lock, so two
   * first contacts of one identity do not race; a duplicate key still resolves
   * to the winner.
   */
  async resolve(input: {
    channel: Channel;
    externalId: string;
    transport: Transport;
    profile: ChannelProfile;
    inviteCode?: string | undefined;
    /** False for an event that does not let us message them (Viber's welcome before subscribing). */
    canMessage?: boolean;
    /**
     * The chat has no conversation stored, so this is most likely a first contact: the new person's records are
     * inserted straight away (the identity's unique `_id` decides) instead of first looking the identity up, a read
     * that finds nothing. Someone known whose conversation expired costs one failed insert more.
     */
    likelyNew?: boolean;
  }): Promise<ResolvedUser> {
    const canMessage = input.canMessage ?? true;
    const key = identityKey(input.channel, input.externalId);
    const cached = this.cache?.get(key);
    const existing = cached?.identity ?? (input.likelyNew === true ? null : await this.findIdentity(key));
    if (existing !== null) {
      let user = cached?.user ?? (await this.followMerges(existing.userId));
      const invite: InviteOutcome =
        input.inviteCode === undefined
          ? "none"
          : input.inviteCode.toUpperCase() === user._id
            ? "self"
            : "existing_user";
      // Activity counts by day; one write per 10 minutes keeps the hot path to a single write (the conversation).
      const now = this.now();
      // The day's first turn also records the day (one more write a day per person) for the daily-active chart.
      const newDay = yangonDay(new Date(user.lastSeenAt)) !== yangonDay(now);
      if (newDay || now.getTime() - new Date(user.lastSeenAt).getTime() > LAST_SEEN_RESOLUTION_MS) {
        await this.models.User.updateOne({ _id: user._id }, { $set: { lastSeenAt: now } }).exec();
        if (newDay) await this.recordDay({ userId: user._id, channel: input.channel, now, joined: false });
        user = { ...user, lastSeenAt: now };
      }
      // Someone who writes to us can be reached again (they unblocked, or resubscribed on Viber).
      if (!existing.reachable && canMessage) {
        await this.models.Identity.updateOne({ _id: key }, { $set: { reachable: true, unreachableAt: null } }).exec();
        await this.forget(key);
        return { user, identity: { ...existing, reachable: true, unreachableAt: null }, created: false, invite };
      }
      this.cache?.set(existing, user);
      return { user, identity: existing, created: false, invite };
    }

    const inviter = await this.inviterFor(input.inviteCode);
    const now = this.now();
    const user = await this.insertUser(
      newUserFields(
        {
          name: input.profile.name.slice(0, 128) || "—",
          language: languageFromHint(input.profile.languageHint),
          languageChosen: false,
          invitedBy: inviter?._id ?? null,
          identityKeys: [key],
        },
        now,
      ),
    );
    const identity: IdentityDoc = {
      _id: key,
      userId: user._id,
      channel: input.channel,
      externalId: input.externalId,
      transport: input.transport,
      username: input.profile.username ?? null,
      reachable: canMessage,
      unreachableAt: canMessage ? null : now,
      createdAt: now,
    };
    try {
      await this.identityInserts.insert(identity);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      await this.models.User.deleteOne({ _id: user._id }).exec();
      // Known after all (their conversation had expired), or another process registered them a moment ago: the
      // invite is answered as for anyone known, and the inviter was written into nobody.
      return this.resolve({ ...input, likelyNew: false });
    }
    this.cache?.set(identity, user);
    // Two independent Redis writes (the day, the registration count): sent together, one round trip.
    await Promise.all([
      this.recordDay({ userId: user._id, channel: input.channel, now, joined: true }),
      this.events?.emit("user.registered", { userId: user._id, channel: input.channel }),
    ]);
    const invite: InviteOutcome = input.inviteCode === undefined ? "none" : inviter === null ? "unknown" : "recorded";
    return { user, identity, created: true, invite };
  }

  private async inviterFor(code: string | undefined): Promise<UserDoc | null> {
    if (code === undefined) return null;
    const id = code.toUpperCase();
    if (!PUBLIC_ID_PATTERN.test(id)) return null;
    const inviter = await this.findUser(id);
    return inviter !== null && inviter.status === "active" ? inviter : null;
  }

  private async insertUser(fields: Omit<UserDoc, "_id">): Promise<UserDoc> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const user: UserDoc = { _id: newPublicId(), ...fields };
      try {
        await this.userInserts.insert(user);
        return user;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
    throw new AppError("id_space_exhausted", "could not allocate a public id");
  }

  private async followMerges(userId: string): Promise<UserDoc> {
    let id = userId;
    for (let hop = 0; hop < 5; hop++) {
      const user = await this.findUser(id);
      if (user === null) throw new AppError("broken_identity", `identity points to missing user ${id}`);
      if (user.status !== "merged" || user.mergedInto === null) return user;
      id = user.mergedInto;
    }
    throw new AppError("broken_identity", `merge chain too long from ${userId}`);
  }

  /**
   * Finds a user the way an admin names them: a public id, an @username, or
   * a phone number (users who gave one; stored as E.164 `+959…`).
   */
  async findByQuery(query: string): Promise<UserDoc | null> {
    const value = query.trim();
    if (PUBLIC_ID_PATTERN.test(value.toUpperCase())) return this.findUser(value.toUpperCase());
    if (value.startsWith("@")) {
      const identity = await this.models.Identity.findOne({ username: value.slice(1) })
        .lean<IdentityDoc>()
        .exec();
      return identity === null ? null : this.followMerges(identity.userId);
    }
    const phone = parseMyanmarPhone(value);
    if (phone === null) return null;
    return this.models.User.findOne({ phone }).lean<UserDoc>().exec();
  }

  /** The ids of people holding any of `roles` (who to tell about an invoice, a payout request). */
  async holdersOf(roles: Role[], limit = 50): Promise<string[]> {
    const holders = await this.models.User.find({ roles: { $in: roles } }, { _id: 1 })
      .limit(limit)
      .lean<Array<Pick<UserDoc, "_id">>>()
      .exec();
    return holders.map((holder) => holder._id);
  }

  async countInvitees(userId: string): Promise<number> {
    return this.models.User.countDocuments({ invitedBy: userId }).exec();
  }

  /** Ban (with the reason the person is told) or unban; a newly banned user is told once. Answers the status before. */
  async setStatus(
    userId: string,
    status: "active" | "banned",
    reason: string | null = null,
  ): Promise<UserDoc["status"] | null> {
    const user = await this.findUser(userId);
    if (user === null || user.status === "merged") return null;
    await this.models.User.updateOne(
      { _id: userId },
      { $set: { status, bannedNoticeSent: false, banReason: status === "banned" ? reason : null } },
    ).exec();
    await this.forget(userId);
    return user.status;
  }

  async setDisplayName(userId: string, displayName: string | null): Promise<void> {
    await this.models.User.updateOne({ _id: userId }, { $set: { displayName } }).exec();
    await this.forget(userId);
  }

  async setPhone(userId: string, phone: string): Promise<void> {
    await this.models.User.updateOne({ _id: userId }, { $set: { phone } }).exec();
    await this.forget(userId);
  }

  async markBannedNoticeSent(userId: string): Promise<void> {
    await this.models.User.updateOne({ _id: userId }, { $set: { bannedNoticeSent: true } }).exec();
    await this.forget(userId);
  }

  async setLanguage(userId: string, language: Language): Promise<void> {
    await this.models.User.updateOne({ _id: userId }, { $set: { language, languageChosen: true } }).exec();
    await this.forget(userId);
  }

  /** The person blocked the bot (Telegram 403) or unsubscribed (Viber): stop sending until they come back. */
  // Filters go by _id alone: on FerretDB 1.24 any other field in the filter means a collection scan.
  async markUnreachable(identityKeyValue: string): Promise<void> {
    const identity = await this.findIdentity(identityKeyValue);
    if (identity === null || !identity.reachable) return;
    await this.models.Identity.updateOne(
      { _id: identityKeyValue },
      { $set: { reachable: false, unreachableAt: this.now() } },
    ).exec();
    await this.forget(identityKeyValue);
  }

  async markReachable(identityKeyValue: string): Promise<void> {
    const identity = await this.findIdentity(identityKeyValue);
    if (identity === null || identity.reachable) return;
    await this.models.Identity.updateOne(
      { _id: identityKeyValue },
      { $set: { reachable: true, unreachableAt: null } },
    ).exec();
    await this.forget(identityKeyValue);
  }

  /**
   * Moves one identity onto another account (account linking). The account it
   * leaves is marked merged when no identity is left on it, so its old public id
   * still resolves to the surviving account.
   */
  async moveIdentity(identityKeyValue: string, targetUserId: string): Promise<void> {
    const identity = await this.findIdentity(identityKeyValue);
    if (identity === null || identity.userId === targetUserId) return;
    const [from, to] = await Promise.all([this.findUser(identity.userId), this.findUser(targetUserId)]);
    if (to === null) return;
    await this.models.User.updateOne(
      { _id: targetUserId },
      { $set: { identityKeys: [...new Set([...to.identityKeys, identityKeyValue])] } },
    ).exec();
    await this.models.Identity.updateOne({ _id: identityKeyValue }, { $set: { userId: targetUserId } }).exec();
    if (from !== null) {
      const left = from.identityKeys.filter((key) => key !== identityKeyValue);
      await this.models.User.updateOne(
        { _id: from._id },
        {
          $set:
            left.length === 0
              ? { identityKeys: left, status: "merged", mergedInto: targetUserId }
              : { identityKeys: left },
        },
      ).exec();
      await this.forget(from._id);
    }
    await this.forget(identityKeyValue);
    await this.forget(targetUserId);
  }
}
