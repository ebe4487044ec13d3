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

/** Where one transaction stands on one account (`txp:<txKey>:<account>`): when it started, and its posting once made. */
interface TxAccountDoc {
  _id: string;
  startedAt: Date;
  postingId: string | null;
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
/** A transaction touches an account once, enforced by the database (the chain walk below only finds the posting again). */
postingSchema.index({ txKey: 1, account: 1 }, { unique: true });
const txAccountSchema = new Schema<TxAccountDoc>({ _id: String, startedAt: { type: Date, required: true }, postingId: { type: String, default: null } }, { versionKey: false, collection: "ledger_tx_accounts" });
const headSchema = new Schema<HeadDoc>({ _id: String, seq: { type: Number, required: true } }, { versionKey: false, collection: "ledger_heads" });

export function ledgerModels(connection: Connection) {
  return {
    Posting: (connection.models.LedgerPosting as Model<PostingDoc> | undefined) ?? connection.model<PostingDoc>("LedgerPosting", postingSchema),
    TxAccount: (connection.models.LedgerTxAccount as Model<TxAccountDoc> | undefined) ?? connection.model<TxAccountDoc>("LedgerTxAccount", txAccountSchema),
    Head: (connection.models.LedgerHead as Model<HeadDoc> | undefined) ?? connection.model<HeadDoc>("LedgerHead", headSchema),
  };
}

/** Accounts of people never go below zero; system accounts (`system:…`) may. */
export const mayGoNegative = (account: string): boolean => account.startsWith("system:");

/**
 * Clock skew allowed between the hosts writing one account, when walking back
 * for a transaction's own posting (which is never older than its marker).
 */
const SKEW_MS = 5_000;

export class InsufficientFunds extends AppError {
  constructor(account: string, balance: number, amount: number) {
    super("conflict", "insufficient_funds", `account ${account} has ${balance}, cannot take ${-amount}`, { details: { account, balance } });
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
  /** Writers of one account in this process wait their turn (fewer lost races); across processes the unique `_id` decides. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(connection: Connection, now: () => Date = () => new Date()) {
    this.models = ledgerModels(connection);
    this.now = now;
  }

  /** The last posting of an account (null when it has none): the head hint, then forward by `_id` to the real end. */
  async last(account: string): Promise<PostingDoc | null> {
    const head = await this.models.Head.findById(account).lean<HeadDoc>().exec();
    let seq = head?.seq ?? 0;
    let found: PostingDoc | null = seq === 0 ? null : await this.models.Posting.findById(`${account}:${seq}`).lean<PostingDoc>().exec();
    for (;;) {
      const next = await this.models.Posting.findById(`${account}:${seq + 1}`).lean<PostingDoc>().exec();
      if (next === null) return found;
      found = next;
      seq++;
    }
  }

  async balance(account: string): Promise<number> {
    return (await this.last(account))?.balanceAfter ?? 0;
  }

  /**
   * Walks back from `from` looking for the transaction's own posting, down to
   * postings already checked (`checkedUpTo`) or older than `since`: each
   * posting is read at most once per call, however many retries contention causes.
   */
  private async findOwn(account: string, from: PostingDoc | null, txKey: string, since: Date, checkedUpTo: number): Promise<PostingDoc | null> {
    let current = from;
    while (current !== null && current.seq > checkedUpTo && current.at.getTime() >= since.getTime() - SKEW_MS) {
      if (current.txKey === txKey) return current;
      if (current.seq <= 1) return null;
      current = await this.models.Posting.findById(`${account}:${current.seq - 1}`).lean<PostingDoc>().exec();
    }
    return null;
  }

  /**
   * Applies `amount` to `account` for transaction `txKey`, once: a retried or
   * concurrent repeat of the same transaction finds the first posting and
   * returns it. Refuses (InsufficientFunds) to take a person's balance below zero.
   */
  async post(account: string, amount: number, txKey: string, memo: PostingMemo = { code: "adjustment", params: {} }): Promise<PostingDoc> {
    if (!Number.isSafeInteger(amount) || amount === 0) throw new AppError("invalid_input", "bad_amount", "amounts are whole kyat, not zero");
    const previous = this.queues.get(account) ?? Promise.resolve();
    const turn = previous.catch(() => undefined).then(() => this.append(account, amount, txKey, memo));
    this.queues.set(account, turn);
    try {
      return await turn;
    } finally {
      if (this.queues.get(account) === turn) this.queues.delete(account);
    }
  }

  private async append(account: string, amount: number, txKey: string, memo: PostingMemo): Promise<PostingDoc> {
    const markerId = `txp:${txKey}:${account}`;
    let marker = await this.models.TxAccount.findById(markerId).lean<TxAccountDoc>().exec();
    if (marker?.postingId != null) {
      const done = await this.models.Posting.findById(marker.postingId).lean<PostingDoc>().exec();
      if (done !== null) return done;
    }
    if (marker === null) {
      try {
        await this.models.TxAccount.create({ _id: markerId, startedAt: this.now(), postingId: null });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      marker = await this.models.TxAccount.findById(markerId).lean<TxAccountDoc>().exec();
    }
    const startedAt = marker?.startedAt ?? this.now();
    let checkedUpTo = 0;
    for (let attempt = 0; attempt < 1000; attempt++) {
      const last = await this.last(account);
      const own = await this.findOwn(account, last, txKey, new Date(startedAt), checkedUpTo);
      if (own !== null) {
        await this.models.TxAccount.updateOne({ _id: markerId }, { $set: { postingId: own._id } }).exec();
        return own;
      }
      checkedUpTo = last?.seq ?? 0;
      const balance = last?.balanceAfter ?? 0;
      if (balance + amount < 0 && !mayGoNegative(account)) throw new InsufficientFunds(account, balance, amount);
      const seq = (last?.seq ?? 0) + 1;
      const posting: PostingDoc = { _id: `${account}:${seq}`, account, seq, amount, balanceAfter: balance + amount, txKey, memo, at: this.now() };
      try {
        await this.models.Posting.create(posting);
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        // FerretDB does not say which index refused: if seq n is free, it was the (txKey, account) index.
        const taken = await this.models.Posting.findById(posting._id).lean<PostingDoc>().exec();
        if (taken !== null) continue; // someone appended seq n first: look again (maybe it was this very transaction)
        const own = await this.models.Posting.findOne({ txKey, account }).lean<PostingDoc>().exec();
        if (own === null) continue;
        await this.models.TxAccount.updateOne({ _id: markerId }, { $set: { postingId: own._id } }).exec();
        return own;
      }
      await this.models.TxAccount.updateOne({ _id: markerId }, { $set: { postingId: posting._id } }).exec();
      await this.models.Head.updateOne({ _id: account }, { $max: { seq } }, { upsert: true }).exec();
      return posting;
    }
    throw new AppError("retry_later", "ledger_contended", `account ${account} is too busy`);
  }

  /** The last `limit` postings of an account, newest first. */
  async recent(account: string, limit: number): Promise<PostingDoc[]> {
    const postings: PostingDoc[] = [];
    let current = await this.last(account);
    while (current !== null && postings.length < limit) {
      postings.push(current);
      current = current.seq <= 1 ? null : await this.models.Posting.findById(`${account}:${current.seq - 1}`).lean<PostingDoc>().exec();
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
