import type { EntryDoc, Ledger, Posting, PostingMemo } from "./ledger.ts";

/**
 * A person's money sits in three accounts: `pending` (earned, waiting for the employer's payment or a finance
 * release), `available` (may be paid out) and `held` (set aside for a payout in progress). Two running totals ride
 * along: `earned` (lifetime earnings) and `paidout` (what reached the person's wallet); they are not money and only
 * grow.
 */
export const BUCKETS = ["available", "pending", "held", "earned", "paidout"] as const;
export type Bucket = (typeof BUCKETS)[number];
/** The buckets that hold money (the others are running totals). */
export type MoneyBucket = "available" | "pending" | "held";

export const ownerOf = (userId: string): string => `user:${userId}`;
export const accountOf = (userId: string, bucket: MoneyBucket): string => `${ownerOf(userId)}:${bucket}`;

/**
 * The platform account on the other side of a credit, by what it is for: rewards the platform owes people, the
 * network commissions it pays, and manual adjustments. A paid-out withdrawal leaves through payout clearing.
 */
export const SYSTEM_ACCOUNTS = {
  rewardsPayable: "system:rewards_payable",
  commissionExpense: "system:commission_expense",
  adjustments: "system:adjustments",
  payoutClearing: "system:payout_clearing",
} as const;

const counterAccount = (code: string): string =>
  code === "referral_bonus"
    ? SYSTEM_ACCOUNTS.rewardsPayable
    : code === "network_commission"
      ? SYSTEM_ACCOUNTS.commissionExpense
      : SYSTEM_ACCOUNTS.adjustments;

export type Balances = Record<Bucket, number>;

/** One thing that happened to a person's money: one transaction, with the amount it moved. */
export interface WalletEntry {
  amount: number;
  memo: PostingMemo;
  at: Date;
}

/** Reads and moves a person's money, only through the ledger: every movement is one balanced transaction. */
export class WalletService {
  private readonly ledger: Ledger;

  constructor(ledger: Ledger) {
    this.ledger = ledger;
  }

  async balances(userId: string): Promise<Balances> {
    const values = await this.ledger.balances(ownerOf(userId));
    return Object.fromEntries(BUCKETS.map((bucket) => [bucket, values[bucket] ?? 0])) as Balances;
  }

  /** Money set aside for a payout means a payout is in flight (KYC documents may not be deleted meanwhile). */
  async payoutInFlight(userId: string): Promise<boolean> {
    return (await this.balances(userId)).held > 0;
  }

  /**
   * Adds to one bucket from the platform account its memo names (a reward from rewards payable, a commission from
   * commission expense, anything else from adjustments), once per `txKey`. Rewards and commissions count towards
   * lifetime earnings in the same transaction.
   */
  async credit(
    userId: string,
    bucket: MoneyBucket,
    amount: number,
    txKey: string,
    memo: PostingMemo,
  ): Promise<EntryDoc> {
    const counter = counterAccount(memo.code);
    return this.ledger.post({
      txKey,
      owner: ownerOf(userId),
      postings: [
        { account: accountOf(userId, bucket), amount },
        { account: counter, amount: -amount },
      ],
      counters: counter === SYSTEM_ACCOUNTS.adjustments ? {} : { earned: amount },
      memo,
    });
  }

  /**
   * Moves money between two of a person's buckets in one transaction (it may be refused for the balance). Paying
   * out moves it from held to payout clearing and adds to the paid-out total.
   */
  async move(
    userId: string,
    from: MoneyBucket,
    to: MoneyBucket | "paidout",
    amount: number,
    txKey: string,
    memo: PostingMemo,
  ): Promise<EntryDoc> {
    const postings: Posting[] = [
      { account: accountOf(userId, from), amount: -amount },
      { account: to === "paidout" ? SYSTEM_ACCOUNTS.payoutClearing : accountOf(userId, to), amount },
    ];
    return this.ledger.post({
      txKey,
      owner: ownerOf(userId),
      postings,
      counters: to === "paidout" ? { paidout: amount } : {},
      memo,
    });
  }

  /** The latest movements, newest first: one per transaction, with the amount it moved. */
  async recent(userId: string, limit: number): Promise<WalletEntry[]> {
    const owner = ownerOf(userId);
    return (await this.ledger.recent(owner, limit)).map((entry) => ({
      amount: Math.max(...entry.postings.map((posting) => Math.abs(posting.amount))),
      memo: entry.memo,
      at: new Date(entry.at),
    }));
  }
}
