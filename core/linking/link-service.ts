import { randomInt } from "node:crypto";
import { Schema, type Connection, type Model } from "mongoose";
import { decideOnce, decisionModel, isDuplicateKey } from "../decisions/decision-store.ts";
import type { AttemptCounter } from "../limits/attempt-counter.ts";
import type { UserService } from "../users/user-service.ts";
import { AppError } from "../errors/app-error.ts";

interface LinkCodeDoc {
  _id: string;
  userId: string;
  expiresAt: Date;
  createdAt: Date;
}

const linkCodeSchema = new Schema<LinkCodeDoc>(
  {
    _id: String,
    userId: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: "link_codes" },
);
// No TTL index: FerretDB 1.24 does not implement expireAfterSeconds. Expiry is checked
// on every read, so an old code never works; purging old documents is retention work.
linkCodeSchema.index({ expiresAt: 1 });

export const LINK_CODE_MINUTES = 10;
export const LINK_CODE_PATTERN = /^\d{6}$/;

export type RedeemResult =
  | { kind: "linked"; userId: string }
  | { kind: "invalid"; attemptsLeft: number }
  | { kind: "locked" }
  | { kind: "same_account" };

/**
 * One-time codes that join a Telegram and a Viber identity into one account:
 * shown on one channel, typed on the other. Codes expire, work once, and
 * wrong guesses are limited per identity.
 */
export class LinkService {
  private readonly model: Model<LinkCodeDoc>;
  private readonly connection: Connection;
  private readonly users: UserService;
  private readonly attempts: AttemptCounter;
  private readonly now: () => Date;

  constructor(options: { connection: Connection; users: UserService; attempts: AttemptCounter; now?: () => Date }) {
    this.connection = options.connection;
    this.model = LinkService.registerModel(options.connection);
    this.users = options.users;
    this.attempts = options.attempts;
    this.now = options.now ?? (() => new Date());
  }

  static registerModel(connection: Connection): Model<LinkCodeDoc> {
    return (
      (connection.models.LinkCode as Model<LinkCodeDoc> | undefined) ??
      connection.model<LinkCodeDoc>("LinkCode", linkCodeSchema)
    );
  }

  async issue(userId: string): Promise<{ code: string; expiresAt: Date }> {
    const now = this.now();
    const expiresAt = new Date(now.getTime() + LINK_CODE_MINUTES * 60_000);
    for (let attempt = 0; attempt < 10; attempt++) {
      const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
      try {
        await this.model.create({ _id: code, userId, expiresAt, createdAt: now });
        return { code, expiresAt };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
    throw new AppError("id_space_exhausted", "could not allocate a link code");
  }

  /** `identityKey` typed `code`; moves that identity onto the account that showed the code. */
  async redeem(code: string, identityKey: string): Promise<RedeemResult> {
    if (await this.attempts.isLocked(identityKey)) return { kind: "locked" };
    const found = await this.model.findById(code).lean<LinkCodeDoc>().exec();
    if (found === null || found.expiresAt.getTime() <= this.now().getTime()) {
      const attemptsLeft = await this.attempts.fail(identityKey);
      return attemptsLeft === 0 ? { kind: "locked" } : { kind: "invalid", attemptsLeft };
    }
    const identity = await this.users.findIdentity(identityKey);
    if (identity?.userId === found.userId) return { kind: "same_account" };
    const key = `link-code:${code}:${found.createdAt.getTime()}:used`;
    if (!(await decideOnce(this.connection, key, { identityKey }))) {
      // Used by this identity before, and a crash cut the move off: the retry finishes it. Used by another: refused.
      const decided = await decisionModel(this.connection).findById(key).lean().exec();
      if ((decided?.meta as { identityKey?: unknown } | null | undefined)?.identityKey !== identityKey) {
        const attemptsLeft = await this.attempts.fail(identityKey);
        return attemptsLeft === 0 ? { kind: "locked" } : { kind: "invalid", attemptsLeft };
      }
    }
    await this.model.deleteOne({ _id: code }).exec();
    await this.users.moveIdentity(identityKey, found.userId);
    await this.attempts.clear(identityKey);
    return { kind: "linked", userId: found.userId };
  }

  /**
   * Codes used but left behind by a crash before the identity moved: the move is finished now (the person need not
   * type the code again). Codes live ten minutes, so there are few to read.
   */
  async finishStuck(): Promise<string[]> {
    const codes = await this.model.find({}).lean<LinkCodeDoc[]>().exec();
    if (codes.length === 0) return [];
    const keyOf = (code: LinkCodeDoc) => `link-code:${code._id}:${code.createdAt.getTime()}:used`;
    const used = await decisionModel(this.connection)
      .find({ _id: { $in: codes.map(keyOf) } })
      .lean()
      .exec();
    const finished: string[] = [];
    for (const code of codes) {
      const identityKey = (used.find((doc) => doc._id === keyOf(code))?.meta as { identityKey?: unknown } | undefined)
        ?.identityKey;
      if (typeof identityKey !== "string") continue;
      await this.users.moveIdentity(identityKey, code.userId);
      await this.model.deleteOne({ _id: code._id }).exec();
      finished.push(code._id);
    }
    return finished;
  }
}
