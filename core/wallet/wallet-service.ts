import type { Ledger, PostingDoc, PostingMemo } from "./ledger.ts";

/**
 * A person's money sits in three accounts: `pending` (earned, waiting for the
 * employer's payment or a finance release), `available` (may be paid out) and
 * `held` (set aside for a payout in progress). `earned` only grows: lifetime
 * earnings; `paidout` only grows: what reached the person's wallet.
 */
export const BUCKETS = ["available", "pending", "held", "earned", "paidout"] as const;
export type Bucket = (typeof BUCKETS)[number];

export const accountOf = (userId: string, bucket: Bucket): string => `user:${userId}:${bucket}`;

export type Balances = Record<Bucket, number>;

export interface WalletEntry {
  bucket: Bucket;
  amount: number;
  memo: PostingMemo;
  at: Date;
}

/** Reads and moves a person's money, only through the ledger. */
export class WalletService {
  private readonly ledger: Ledger;

  constructor(ledger: Ledger) {
    this.ledger = ledger;
  }

  async balances(userId: string): Promise<Balances> {
    const values = await Promise.all(BUCKETS.map((bucket) => this.ledger.balance(accountOf(userId, bucket))));
    return Object.fromEntries(BUCKETS.map((bucket, index) => [bucket, values[index] ?? 0])) as Balances;
  }

  /** Money set aside for a payout means a payout is in flight (KYC documents may not be deleted meanwhile). */
  async payoutInFlight(userId: string): Promise<boolean> {
    return (await this.ledger.balance(accountOf(userId, "held"))) > 0;
  }

  /** Adds to one bucket, once per `txKey`. */
  async credit(userId: string, bucket: Bucket, amount: number, txKey: string, memo: PostingMemo): Promise<PostingDoc> {
    return this.ledger.post(accountOf(userId, bucket), amount, txKey, memo);
  }

  /**
   * Moves money between two buckets: the debit first (it may be refused),
   * then the credit. Both postings carry `txKey`, so repeating the call after
   * a crash between them completes it without moving anything twice.
   */
  async move(
    userId: string,
    from: Bucket,
    to: Bucket,
    amount: number,
    txKey: string,
    memo: PostingMemo,
  ): Promise<void> {
    await this.ledger.post(accountOf(userId, from), -amount, txKey, memo);
    await this.ledger.post(accountOf(userId, to), amount, txKey, memo);
  }

  /** The latest movements of the spendable buckets, newest first (the lifetime counter is not a movement). */
  async recent(userId: string, limit: number): Promise<WalletEntry[]> {
    const buckets: Bucket[] = ["available", "pending", "held"];
    const lists = await Promise.all(
      buckets.map(async (bucket) =>
        (await this.ledger.recent(accountOf(userId, bucket), limit)).map((posting) => ({
          bucket,
          amount: posting.amount,
          memo: posting.memo,
          at: new Date(posting.at),
        })),
      ),
    );
    return lists
      .flat()
      .sort((a, b) => b.at.getTime() - a.at.getTime())
      .slice(0, limit);
  }
}
