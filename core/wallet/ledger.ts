import { Schema, type Connection, type Model } from "mongoose";
import { isDuplicateKey } from "../decisions/decision-store.ts";
import { AppError } from "../errors/app-error.ts";

/**
 * A posting: one line of one account's append-only history. `_id` is
 * `<account>:<seq>`, so two writers can never both append seq n (unique _id
 * is real on FerretDB too). It carries the balance after it, and the key of
 * the transaction that made it.
 */
export interface PostingDoc {
  _id: string;
  account: string;
  seq: number;
  amount: number;
  balanceAfter: number;
  txKey: string;
  /** Why, for statements: a machine code and its parameters, rendered in the reader's language. */
  memo: PostingMemo;
  at: Date;
}

export interface PostingMemo {
  code: string;
  params: Record<string, string | number>;
}

/** The chain's last known position (a hint: the chain itself is the truth). */
interface HeadDoc {
  _id: string;
  seq: number;
}

const postingSchema = new Schema<PostingDoc>(
  {
    _id: String,
    account: { type: String, required: true },
    seq: { type: Number, required: true },
    amount: { type: Number, required: true },
    balanceAfter: { type: Number, required: true },
    txKey: { type: String, required: true },
    memo: { type: Schema.Types.Mixed, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: "ledger_postings", minimize: false },
);
postingSchema.index({ account: 1, seq: -1 });
/** A transaction touches an account once: enforced by the database, on MongoDB and on FerretDB alike. */
postingSchema.index({ txKey: 1, account: 1 }, { unique: true });
const headSchema = new Schema<HeadDoc>(
  { _id: String, seq: { type: Number, required: true } },
  { versionKey: false, collection: "ledger_heads" },
);

export function ledgerModels(connection: Connection) {
  return {
    Posting:
      (connection.models.LedgerPosting as Model<PostingDoc> | undefined) ??
      connection.model<PostingDoc>("LedgerPosting", postingSchema),
    Head:
      (connection.models.LedgerHead as Model<HeadDoc> | undefined) ??
      connection.model<HeadDoc>("LedgerHead", headSchema),
  };
}

/** Accounts of people never go below zero; system accounts (`system:…`) may. */
export const mayGoNegative = (account: string): boolean => account.startsWith("system:");

/** Accounts whose chain end is remembered in-process (cleared when full). */
const KNOWN_MAX = 50_000;
/**
 * The head document is written at seq 1, 9, 17, …: a reader without a memory walks at most this many postings forward.
 */
const HEAD_EVERY = 8;

export class InsufficientFunds extends AppError {
  constructor(account: string, balance: number, amount: number) {
    super("insufficient_funds", `account ${account} has ${balance}, cannot take ${-amount}`, {
      details: { account, balance },
    });
  }
}

/**
 * The ledger (ARCHITECTURE rule 2): balances move only by appending postings;
 * a balance is the last posting's `balanceAfter`. Correct on MongoDB and on
 * FerretDB (no transactions, non-atomic conditional updates) because the
 * only guards are inserts under unique `_id`s.
 */
export class Ledger {
  private readonly models: ReturnType<typeof ledgerModels>;
  private readonly now: () => Date;
  /** Once-per-transaction rests on the unique (txKey, account) index: make sure it exists before the first posting. */
  private indexesReady: Promise<unknown> | undefined;
  /** The chain end this process last saw, per account (a hint, like the head document). */
  private readonly known = new Map<string, number>();
  /**
   * Writers of one account in this process wait their turn (fewer lost races); across processes the unique `_id`
   * decides.
   */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(connection: Connection, now: () => Date = () => new Date()) {
    this.models = ledgerModels(connection);
    this.now = now;
  }

  /** The last posting of an account (null when it has none): the head hint, then forward by `_id` to the real end. */
  async last(account: string, from?: PostingDoc): Promise<PostingDoc | null> {
    // Where this process last saw the chain end saves the head read; the walk forward makes any hint safe.
    let seq =
      from?.seq ??
      this.known.get(account) ??
      (await this.models.Head.findById(account).lean<HeadDoc>().exec())?.seq ??
      0;
    let found: PostingDoc | null =
      from ?? (seq === 0 ? null : await this.models.Posting.findById(`${account}:${seq}`).lean<PostingDoc>().exec());
    for (;;) {
      const next = await this.models.Posting.findById(`${account}:${seq + 1}`)
        .lean<PostingDoc>()
        .exec();
      if (next === null) {
        this.remember(account, seq);
        return found;
      }
      found = next;
      seq++;
    }
  }

  private remember(account: string, seq: number): void {
    if (this.known.size >= KNOWN_MAX && !this.known.has(account)) this.known.clear();
    this.known.set(account, seq);
  }

  async balance(account: string): Promise<number> {
    return (await this.last(account))?.balanceAfter ?? 0;
  }

  /**
   * A transaction's posting on an account, found through the unique (txKey, account) index (a collection scan on
   * FerretDB: only replays and refusals come here).
   */
  private async findOwn(account: string, txKey: string): Promise<PostingDoc | null> {
    return this.models.Posting.findOne({ txKey, account }).lean<PostingDoc>().exec();
  }

  /**
   * Applies `amount` to `account` for transaction `txKey`, once: a retried or
   * concurrent repeat of the same transaction finds the first posting and
   * returns it. Refuses (InsufficientFunds) to take a person's balance below zero.
   */
  async post(
    account: string,
    amount: number,
    txKey: string,
    memo: PostingMemo = { code: "adjustment", params: {} },
  ): Promise<PostingDoc> {
    if (!Number.isSafeInteger(amount) || amount === 0)
      throw new AppError("bad_amount", "amounts are whole kyat, not zero");
    this.indexesReady ??= this.models.Posting.createIndexes();
    await this.indexesReady;
    const previous = this.queues.get(account) ?? Promise.resolve();
    const turn = previous.catch(() => undefined).then(() => this.append(account, amount, txKey, memo));
    this.queues.set(account, turn);
    try {
      return await turn;
    } finally {
      if (this.queues.get(account) === turn) this.queues.delete(account);
    }
  }

  /**
   * Reads the chain's end, checks the rule, inserts seq+1. Two unique indexes
   * decide every race: `_id` (`<account>:<seq>`: one posting per position) and
   * (txKey, account) (one posting per transaction). FerretDB's duplicate-key
   * error does not say which index refused, so the position is read back: taken
   * means "someone else appended first, look again"; free means "this
   * transaction is already on the chain".
   */
  private async append(account: string, amount: number, txKey: string, memo: PostingMemo): Promise<PostingDoc> {
    let seen: PostingDoc | undefined;
    for (let attempt = 0; attempt < 1000; attempt++) {
      const last = await this.last(account, seen);
      const balance = last?.balanceAfter ?? 0;
      if (balance + amount < 0 && !mayGoNegative(account)) {
        // A replay of a debit that was applied must not be refused for the balance it left.
        const own = await this.findOwn(account, txKey);
        if (own !== null) return own;
        throw new InsufficientFunds(account, balance, amount);
      }
      const seq = (last?.seq ?? 0) + 1;
      const posting: PostingDoc = {
        _id: `${account}:${seq}`,
        account,
        seq,
        amount,
        balanceAfter: balance + amount,
        txKey,
        memo,
        at: this.now(),
      };
      try {
        await this.models.Posting.create(posting);
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        const taken = await this.models.Posting.findById(posting._id).lean<PostingDoc>().exec();
        if (taken?.txKey === txKey) return taken; // a concurrent repeat of this transaction got there first
        if (taken !== null) {
          // Another writer (another process: this one queues per account) appended first. Go on from its posting,
          // after a short random pause so racing writers spread out instead of colliding again.
          seen = taken;
          await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
          continue;
        }
        const own = await this.findOwn(account, txKey);
        if (own !== null) return own;
        continue;
      }
      this.remember(account, seq);
      // The shared hint for other processes is refreshed every few postings: fewer writes, and at most that many extra
      // reads.
      if (seq % HEAD_EVERY === 1)
        await this.models.Head.updateOne({ _id: account }, { $max: { seq } }, { upsert: true }).exec();
      return posting;
    }
    throw new AppError("ledger_contended", `account ${account} is too busy`);
  }

  /** The last `limit` postings of an account, newest first. */
  async recent(account: string, limit: number): Promise<PostingDoc[]> {
    const postings: PostingDoc[] = [];
    let current = await this.last(account);
    while (current !== null && postings.length < limit) {
      postings.push(current);
      current =
        current.seq <= 1
          ? null
          : await this.models.Posting.findById(`${account}:${current.seq - 1}`)
              .lean<PostingDoc>()
              .exec();
    }
    return postings;
  }

  /** Every posting of an account, oldest first (for statements and checks). */
  async history(account: string): Promise<PostingDoc[]> {
    const postings: PostingDoc[] = [];
    for (let seq = 1; ; seq++) {
      const posting = await this.models.Posting.findById(`${account}:${seq}`).lean<PostingDoc>().exec();
      if (posting === null) return postings;
      postings.push(posting);
    }
  }
}
