import type { Redis } from "ioredis";
import { Schema, type Connection, type Model } from "mongoose";
import { isDuplicateKey } from "../decisions/decision-store.ts";
import { AppError } from "../errors/app-error.ts";
import { OwnerLock, type ChainEnd } from "./owner-lock.ts";

/** One leg of a transaction: an amount on one account (`user:<id>:<bucket>` or `system:<name>`). */
export interface Posting {
  account: string;
  amount: number;
}

/** Why, for statements: a machine code and its parameters, rendered in the reader's language. */
export interface PostingMemo {
  code: string;
  params: Record<string, string | number>;
}

/** A transaction to write: legs that sum to zero, applied once under its key. */
export interface LedgerTransaction {
  txKey: string;
  /** Whose accounts it moves (`user:<id>`): that owner's chain orders its transactions and holds its balances. */
  owner: string;
  postings: Posting[];
  /** Running totals of the owner that are not money (lifetime earnings, paid out): added, never checked. */
  counters?: Record<string, number>;
  memo: PostingMemo;
}

/**
 * A transaction as written: one document, its legs inside, so it exists whole or not at all (no transactions needed,
 * on MongoDB or FerretDB). `_id` is `<owner>:<seq>`, so two writers can never both take position seq of one owner;
 * `txKey` is unique, so no transaction is written twice. It carries the owner's balances after it.
 */
export interface EntryDoc {
  _id: string;
  owner: string;
  seq: number;
  txKey: string;
  postings: Posting[];
  /** The owner's accounts (by bucket name) and counters after this transaction. */
  balances: Record<string, number>;
  memo: PostingMemo;
  at: Date;
}

const entrySchema = new Schema<EntryDoc>(
  {
    _id: String,
    owner: { type: String, required: true },
    seq: { type: Number, required: true },
    txKey: { type: String, required: true },
    postings: { type: Schema.Types.Mixed, required: true },
    balances: { type: Schema.Types.Mixed, required: true },
    memo: { type: Schema.Types.Mixed, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: "ledger_entries", minimize: false },
);
entrySchema.index({ owner: 1, seq: -1 });
entrySchema.index({ at: 1 });
/** Once per transaction: enforced by the database, on MongoDB and on FerretDB alike. */
entrySchema.index({ txKey: 1 }, { unique: true });

export function ledgerModels(connection: Connection) {
  return {
    Entry:
      (connection.models.LedgerEntry as Model<EntryDoc> | undefined) ??
      connection.model<EntryDoc>("LedgerEntry", entrySchema),
  };
}

/** Platform accounts (`system:…`) may go negative (what the platform owes or is owed); a person's never. */
export const isSystemAccount = (account: string): boolean => account.startsWith("system:");

/** The owner's bucket a leg moves (`user:U1:available` of `user:U1` → `available`), or null for another account. */
const bucketOf = (owner: string, account: string): string | null =>
  account.startsWith(`${owner}:`) ? account.slice(owner.length + 1) : null;

/** Owners whose chain end is remembered in-process (cleared when full). */
const KNOWN_MAX = 50_000;
/** A write that fails for another reason than a taken key is tried this many more times (after 40, 160, 640 ms). */
const WRITE_RETRIES = 3;
/** Transactions one lock holder writes before letting other processes have a turn. */
const BATCH = 64;

export class InsufficientFunds extends AppError {
  constructor(account: string, balance: number, amount: number) {
    super("insufficient_funds", `account ${account} has ${balance}, cannot take ${-amount}`, {
      details: { account, balance },
    });
  }
}

interface Waiting {
  tx: LedgerTransaction;
  resolve: (entry: EntryDoc) => void;
  reject: (error: unknown) => void;
}

/**
 * The double-entry ledger (ARCHITECTURE rule 2): money moves only by transactions whose legs sum to zero across
 * accounts, platform accounts included, each written as one document under its key. Correct on MongoDB and on FerretDB
 * (no transactions, non-atomic conditional updates) because the only guards are inserts under unique keys.
 *
 * Fast under contention: transactions of one owner queue in-process, and with Redis one process at a time writes an
 * owner's chain (a short lease that carries the chain's end), so writers neither race for the same position nor read
 * the chain before each insert. The lease is only for speed: if it lapses, the unique keys still decide.
 */
export class Ledger {
  private readonly model: Model<EntryDoc>;
  private readonly now: () => Date;
  private readonly lock: OwnerLock | null;
  /** Once-per-transaction rests on the unique txKey index: make sure it exists before the first write. */
  private indexesReady: Promise<unknown> | undefined;
  /** The chain end this process last wrote or read, per owner (a hint: the unique `_id` checks it). */
  private readonly known = new Map<string, ChainEnd>();
  private readonly lanes = new Map<string, Waiting[]>();

  constructor(
    connection: Connection,
    options: { now?: () => Date; redis?: Redis; prefix?: string } | (() => Date) = {},
  ) {
    const settings = typeof options === "function" ? { now: options } : options;
    this.model = ledgerModels(connection).Entry;
    this.now = settings.now ?? (() => new Date());
    this.lock =
      settings.redis === undefined ? null : new OwnerLock(settings.redis, `${settings.prefix ?? "trm"}:ledger`);
  }

  /** The owner's latest transaction (null when it has none): one query. */
  async last(owner: string): Promise<EntryDoc | null> {
    return this.model.findOne({ owner }).sort({ seq: -1 }).lean<EntryDoc>().exec();
  }

  /** The owner's accounts and counters after its latest transaction (empty when it has none). */
  async balances(owner: string): Promise<Record<string, number>> {
    return (await this.last(owner))?.balances ?? {};
  }

  /** A platform account's balance: the sum of its legs over every transaction (for reports and checks). */
  async systemBalance(account: string): Promise<number> {
    const [row] = await this.model
      .aggregate<{ total: number }>([
        { $match: { "postings.account": account } },
        { $unwind: "$postings" },
        { $match: { "postings.account": account } },
        { $group: { _id: null, total: { $sum: "$postings.amount" } } },
      ])
      .exec();
    return row?.total ?? 0;
  }

  /** A transaction by its key, or null. */
  async find(txKey: string): Promise<EntryDoc | null> {
    return this.model.findOne({ txKey }).lean<EntryDoc>().exec();
  }

  /**
   * Writes a transaction once: a retried or concurrent repeat finds the first and returns it. Refuses unbalanced legs
   * (`ledger_unbalanced`), amounts that are not whole kyat (`bad_amount`), and a person's account going below zero
   * (InsufficientFunds).
   */
  async post(tx: LedgerTransaction): Promise<EntryDoc> {
    validate(tx);
    this.indexesReady ??= this.model.createIndexes();
    await this.indexesReady;
    return new Promise<EntryDoc>((resolve, reject) => {
      const lane = this.lanes.get(tx.owner);
      if (lane !== undefined) {
        lane.push({ tx, resolve, reject });
        return;
      }
      this.lanes.set(tx.owner, [{ tx, resolve, reject }]);
      void this.drain(tx.owner);
    });
  }

  /** Writes an owner's waiting transactions, a batch per turn of the owner's lease, until none waits. */
  private async drain(owner: string): Promise<void> {
    const lane = this.lanes.get(owner) ?? [];
    while (lane.length > 0) {
      const lease = await this.lock?.acquire(owner).catch(() => null);
      let end = newer(lease?.end ?? null, this.known.get(owner) ?? null);
      try {
        end ??= toEnd(await this.last(owner));
        for (let written = 0; written < BATCH && lane.length > 0; written++) {
          const waiting = lane.shift() as Waiting;
          try {
            const entry = await this.append(owner, end, waiting.tx);
            if (entry.seq > end.seq) end = toEnd(entry);
            waiting.resolve(entry);
          } catch (error) {
            if (error instanceof StaleEnd) end = error.end;
            waiting.reject(error instanceof StaleEnd ? error.cause : error);
          }
        }
      } catch (error) {
        for (const waiting of lane.splice(0)) waiting.reject(error);
      } finally {
        this.remember(owner, end);
        if (lease) await this.lock?.release(owner, lease.token, end).catch(() => undefined);
      }
    }
    this.lanes.delete(owner);
  }

  /**
   * Inserts the transaction after `end`. A taken position means another process wrote first: the real end is read
   * and the insert tried again. FerretDB's duplicate-key error does not say which index refused, so the position is
   * read back: taken means "look again"; free means "this transaction is already written".
   */
  private async append(owner: string, start: ChainEnd, tx: LedgerTransaction): Promise<EntryDoc> {
    let end = start;
    let failures = 0;
    for (let attempt = 0; attempt < 1000; attempt++) {
      const balances = { ...end.balances };
      for (const posting of tx.postings) {
        const bucket = bucketOf(owner, posting.account);
        if (bucket !== null) balances[bucket] = (balances[bucket] ?? 0) + posting.amount;
      }
      const short = tx.postings.find((posting) => (balances[bucketOf(owner, posting.account) ?? ""] ?? 0) < 0);
      if (short !== undefined) {
        // Refused only against the chain's real end (a hint may be behind), and never a replay of a debit written.
        const own = await this.find(tx.txKey);
        if (own !== null) return own;
        const real = toEnd(await this.last(owner));
        if (real.seq !== end.seq) {
          end = real;
          continue;
        }
        const bucket = bucketOf(owner, short.account) ?? "";
        throw new StaleEnd(end, new InsufficientFunds(short.account, end.balances[bucket] ?? 0, short.amount));
      }
      for (const [name, amount] of Object.entries(tx.counters ?? {})) balances[name] = (balances[name] ?? 0) + amount;
      const entry: EntryDoc = {
        _id: `${owner}:${end.seq + 1}`,
        owner,
        seq: end.seq + 1,
        txKey: tx.txKey,
        postings: tx.postings,
        balances,
        memo: tx.memo,
        at: this.now(),
      };
      try {
        await this.model.create(entry);
        return entry;
      } catch (error) {
        if (!isDuplicateKey(error)) {
          // A failed write (FerretDB's SQLITE_BUSY under load, a dropped connection) is tried again a few times: safe,
          // since a write that did land is found by its keys on the next attempt.
          if (++failures > WRITE_RETRIES) throw new StaleEnd(end, error);
          await new Promise((resolve) => setTimeout(resolve, 10 * 4 ** failures));
          continue;
        }
        const taken = await this.model.findById(entry._id).lean<EntryDoc>().exec();
        if (taken?.txKey === tx.txKey) return taken; // a concurrent repeat of this transaction got there first
        if (taken === null) {
          const own = await this.find(tx.txKey);
          if (own !== null) return own;
          continue;
        }
        // Another writer (another process whose lease lapsed, or no Redis) appended first: go on from the real end,
        // after a short random pause so racing writers spread out instead of colliding again.
        end = toEnd(await this.last(owner));
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
      }
    }
    throw new AppError("ledger_contended", `the ledger of ${owner} is too busy`);
  }

  private remember(owner: string, end: ChainEnd | null): void {
    if (end === null) return;
    if (this.known.size >= KNOWN_MAX && !this.known.has(owner)) this.known.clear();
    this.known.set(owner, end);
  }

  /** The owner's latest `limit` transactions, newest first. */
  async recent(owner: string, limit: number): Promise<EntryDoc[]> {
    return this.model.find({ owner }).sort({ seq: -1 }).limit(limit).lean<EntryDoc[]>().exec();
  }

  /** Every transaction of an owner, oldest first (for statements and checks). */
  async history(owner: string): Promise<EntryDoc[]> {
    return this.model.find({ owner }).sort({ seq: 1 }).lean<EntryDoc[]>().exec();
  }
}

/** A failed write, with the chain end the writer learned meanwhile (so the next transaction starts from it). */
class StaleEnd extends Error {
  readonly end: ChainEnd;
  constructor(end: ChainEnd, cause: unknown) {
    super("ledger write failed", { cause });
    this.end = end;
  }
}

function toEnd(entry: EntryDoc | null): ChainEnd {
  return entry === null ? { seq: 0, balances: {} } : { seq: entry.seq, balances: entry.balances };
}

/** The later of two hints (either may be missing). */
function newer(a: ChainEnd | null, b: ChainEnd | null): ChainEnd | null {
  if (a === null) return b;
  if (b === null) return a;
  return a.seq >= b.seq ? a : b;
}

function validate(tx: LedgerTransaction): void {
  if (tx.postings.length === 0) throw new AppError("ledger_unbalanced", `transaction ${tx.txKey} has no legs`);
  for (const posting of tx.postings) {
    if (!Number.isSafeInteger(posting.amount) || posting.amount === 0)
      throw new AppError("bad_amount", "amounts are whole kyat, not zero");
    if (bucketOf(tx.owner, posting.account) === null && !isSystemAccount(posting.account))
      throw new AppError("ledger_unbalanced", `transaction ${tx.txKey} moves ${posting.account}, not of ${tx.owner}`);
  }
  for (const amount of Object.values(tx.counters ?? {}))
    if (!Number.isSafeInteger(amount)) throw new AppError("bad_amount", "amounts are whole kyat");
  if (tx.postings.reduce((sum, posting) => sum + posting.amount, 0) !== 0)
    throw new AppError("ledger_unbalanced", `the legs of transaction ${tx.txKey} do not sum to zero`);
}
