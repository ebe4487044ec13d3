import { orderedKeys } from "../db/ordered-keys.ts";
import { Schema, type Connection, type Model } from "mongoose";
import { isDuplicateKey } from "../decisions/decision-store.ts";
import { AppError } from "../errors/app-error.ts";
import type { UserService } from "../users/user-service.ts";
import type { WalletService } from "../wallet/wallet-service.ts";
import { inviterChain, NETWORK_DEPTH } from "./network.ts";
import type { ReferralDoc } from "./referral-model.ts";
import type { EventHub } from "../events/event-hub.ts";

export interface RewardDoc {
  /** `<referralId>:<level>`: level 0 is the referrer's bonus, 1-3 the inviters' commissions. */
  _id: string;
  referralId: string;
  jobId: string;
  beneficiaryId: string;
  level: number;
  amount: number;
  status: "pending" | "available";
  createdAt: Date;
  releasedAt: Date | null;
}

const rewardSchema = new Schema<RewardDoc>(
  {
    _id: String,
    referralId: { type: String, required: true },
    jobId: { type: String, required: true },
    beneficiaryId: { type: String, required: true },
    level: { type: Number, required: true },
    amount: { type: Number, required: true },
    status: { type: String, required: true },
    createdAt: { type: Date, required: true },
    releasedAt: { type: Date, default: null },
  },
  { versionKey: false, collection: "rewards" },
);
rewardSchema.index({ beneficiaryId: 1, createdAt: -1 });
rewardSchema.index({ createdAt: 1 });

export function rewardModel(connection: Connection): Model<RewardDoc> {
  return (
    (connection.models.Reward as Model<RewardDoc> | undefined) ?? connection.model<RewardDoc>("Reward", rewardSchema)
  );
}

/** A commission in whole kyat, rounded down: `bonus × basisPoints / 10 000`. */
export const commission = (bonus: number, basisPoints: number): number => Math.floor((bonus * basisPoints) / 10_000);

export const rewardId = (referralId: string, level: number): string => `${referralId}:${level}`;

/**
 * Rewards for a hire: the referrer's bonus and the inviters' commissions
 * (paid by the platform, on top of the bonus). Each reward is a document
 * under a unique id and a ledger posting under a unique transaction key, so
 * crediting a hire any number of times, concurrently or after a crash,
 * credits each person exactly once.
 */
export class RewardService {
  private readonly model: Model<RewardDoc>;
  private readonly wallet: WalletService;
  private readonly users: UserService;
  private readonly basisPoints: number[];
  private readonly now: () => Date;

  private readonly events: EventHub;

  constructor(options: {
    connection: Connection;
    wallet: WalletService;
    users: UserService;
    commissionBasisPoints: number[];
    now?: () => Date;
    /** Where this service announces what it decided (the process's one hub, from createCore). */
    events: EventHub;
  }) {
    this.model = rewardModel(options.connection);
    this.wallet = options.wallet;
    this.users = options.users;
    this.basisPoints = options.commissionBasisPoints;
    this.now = options.now ?? (() => new Date());
    this.events = options.events;
  }

  /** Who earns what for this referral's hire. */
  async plan(
    referral: Pick<ReferralDoc, "referrerId" | "bonus">,
  ): Promise<Array<{ beneficiaryId: string; level: number; amount: number }>> {
    const chain = await inviterChain(this.users, referral.referrerId, NETWORK_DEPTH);
    const plan = [{ beneficiaryId: referral.referrerId, level: 0, amount: referral.bonus }];
    chain.forEach((inviter, index) =>
      plan.push({
        beneficiaryId: inviter._id,
        level: index + 1,
        amount: commission(referral.bonus, this.basisPoints[index] ?? 0),
      }),
    );
    return plan.filter((entry) => entry.amount > 0);
  }

  /** Credits a hired referral's rewards as pending; safe to repeat. */
  async creditHire(referral: ReferralDoc): Promise<RewardDoc[]> {
    if (referral.status !== "hired") throw new AppError("not_hired", `referral ${referral._id} is ${referral.status}`);
    const rewards: RewardDoc[] = [];
    for (const entry of await this.plan(referral)) {
      const reward = await this.recordOnce({
        _id: rewardId(referral._id, entry.level),
        referralId: referral._id,
        jobId: referral.jobId,
        beneficiaryId: entry.beneficiaryId,
        level: entry.level,
        amount: entry.amount,
        status: "pending",
        createdAt: this.now(),
        releasedAt: null,
      });
      const memo = {
        code: reward.level === 0 ? "referral_bonus" : "network_commission",
        params: { referral: referral._id, job: referral.jobId, level: reward.level },
      };
      await this.wallet.credit(reward.beneficiaryId, "pending", reward.amount, `reward:${reward._id}`, memo);
      rewards.push(reward);
      await this.events.emit("reward.credited", { reward });
    }
    return rewards;
  }

  /**
   * The first record of a reward wins; a repeat (even with a different plan, e.g. after an inviter moved) keeps the
   * first.
   */
  private async recordOnce(reward: RewardDoc): Promise<RewardDoc> {
    try {
      await this.model.create(reward);
      return reward;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const existing = await this.model.findById(reward._id).lean<RewardDoc>().exec();
      if (existing === null) throw error;
      return existing;
    }
  }

  async forReferral(referralId: string): Promise<RewardDoc[]> {
    const found = await Promise.all(
      Array.from({ length: NETWORK_DEPTH + 1 }, (_, level) =>
        this.model.findById(rewardId(referralId, level)).lean<RewardDoc>().exec(),
      ),
    );
    return found.filter((reward): reward is RewardDoc => reward !== null);
  }

  /**
   * Makes a hire's pending rewards available (the employer paid, or a finance
   * admin released them). Safe to repeat: each move is one ledger
   * transaction per reward. Returns the rewards released by this call.
   */
  async release(referralId: string): Promise<RewardDoc[]> {
    const released: RewardDoc[] = [];
    for (const reward of await this.forReferral(referralId)) {
      if (reward.status !== "pending") continue;
      await this.wallet.move(reward.beneficiaryId, "pending", "available", reward.amount, `release:${reward._id}`, {
        code: "reward_released",
        params: { referral: referralId, level: reward.level },
      });
      const releasedAt = this.now();
      await this.model.updateOne({ _id: reward._id }, { $set: { status: "available", releasedAt } }).exec();
      const done: RewardDoc = { ...reward, status: "available", releasedAt };
      released.push(done);
      await this.events.emit("reward.released", { reward: done });
    }
    return released;
  }

  /** Hires whose rewards still wait for release, oldest first (no `$min` in `$group`: FerretDB lacks it). */
  async pendingReferrals(limit: number): Promise<Array<{ referralId: string; amount: number; people: number }>> {
    const pending = { status: "pending" };
    const rows = await this.model
      .aggregate<{ _id: string; amount: number; people: number }>([
        { $match: pending },
        { $group: { _id: "$referralId", amount: { $sum: "$amount" }, people: { $sum: 1 } } },
      ])
      .exec();
    const byId = new Map(rows.map((row) => [row._id, row]));
    const order = await orderedKeys(this.model, pending, { createdAt: 1 }, "referralId", limit, byId.size);
    return order.map((referralId) => ({
      referralId,
      amount: byId.get(referralId)?.amount ?? 0,
      people: byId.get(referralId)?.people ?? 0,
    }));
  }

  /** What a person's network earned them (commissions, levels 1-3). */
  async networkEarnings(userId: string): Promise<{ total: number; byLevel: number[] }> {
    const rows = await this.model
      .aggregate<{ _id: number; total: number }>([
        { $match: { beneficiaryId: userId, level: { $gte: 1 } } },
        { $group: { _id: "$level", total: { $sum: "$amount" } } },
      ])
      .exec();
    const byLevel = Array.from(
      { length: NETWORK_DEPTH },
      (_, index) => rows.find((row) => row._id === index + 1)?.total ?? 0,
    );
    return { total: byLevel.reduce((sum, value) => sum + value, 0), byLevel };
  }
}
