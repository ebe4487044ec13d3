import type { Redis } from "ioredis";
import type { Connection, Model } from "mongoose";
import type { AuditLog } from "../admin/audit-log.ts";
import type { Config } from "../config/load-config.ts";
import { decideOnce, isDuplicateKey } from "../decisions/decision-store.ts";
import { AppError } from "../errors/app-error.ts";
import type { Channel, Role } from "../users/user-model.ts";
import { InsufficientFunds } from "../wallet/ledger.ts";
import type { WalletService } from "../wallet/wallet-service.ts";
import type { DisbursementProvider } from "./disbursement.ts";
import {
  payoutModels,
  type PayoutBreakerDoc,
  type PayoutDoc,
  type PayoutPrefsDoc,
  type PayoutProvider,
} from "./payout-models.ts";
import { yangonDay } from "../values/yangon-time.ts";
import type { EventHub } from "../events/event-hub.ts";

export interface FinanceActor {
  userId: string;
  role: Role;
  channel: Channel;
}

export type PayoutLimits = Config["payouts"];

const BREAKER_ID = "payouts";

/**
 * Withdrawals to a person's mobile wallet. A request moves the amount from
 * available to held (the ledger never lets it go below zero); finance approves
 * or rejects; the disbursement provider port (`manual`: finance records the
 * provider's transaction id; `sandbox`: paid at once) settles it, and held
 * becomes paid out, or goes back to available on rejection or failure. Every
 * step is decided once (`payout:<id>:decided`, `payout:<id>:settled`).
 */
export class PayoutService {
  private readonly connection: Connection;
  private readonly Payout: Model<PayoutDoc>;
  private readonly Prefs: Model<PayoutPrefsDoc>;
  private readonly Breaker: Model<PayoutBreakerDoc>;
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly wallet: WalletService;
  private readonly limits: PayoutLimits;
  private readonly audit: AuditLog;
  private readonly kycApproved: (userId: string) => Promise<boolean>;
  private readonly now: () => Date;

  private readonly events: EventHub;

  constructor(options: {
    connection: Connection;
    redis: Redis;
    prefix: string;
    wallet: WalletService;
    limits: PayoutLimits;
    audit: AuditLog;
    kycApproved: (userId: string) => Promise<boolean>;
    now?: () => Date;
    /** Where this service announces what it decided (the process's one hub, from createCore). */
    events: EventHub;
  }) {
    this.connection = options.connection;
    const models = payoutModels(options.connection);
    this.Payout = models.Payout;
    this.Prefs = models.Prefs;
    this.Breaker = models.Breaker;
    this.redis = options.redis;
    this.prefix = options.prefix;
    this.wallet = options.wallet;
    this.limits = options.limits;
    this.audit = options.audit;
    this.kycApproved = options.kycApproved;
    this.now = options.now ?? (() => new Date());
    this.events = options.events;
  }

  get config(): PayoutLimits {
    return this.limits;
  }

  async find(id: string): Promise<PayoutDoc | null> {
    return this.Payout.findById(id).lean<PayoutDoc>().exec();
  }

  async prefs(userId: string): Promise<PayoutPrefsDoc | null> {
    return this.Prefs.findById(userId).lean<PayoutPrefsDoc>().exec();
  }

  private dayKey(userId: string): string {
    return `${this.prefix}:payout-day:${userId}:${yangonDay(this.now())}`;
  }

  /** What the person may still request today (Yangon day) and right now. */
  async headroom(userId: string): Promise<{ available: number; today: number }> {
    const [balances, used] = await Promise.all([this.wallet.balances(userId), this.redis.get(this.dayKey(userId))]);
    return { available: balances.available, today: Math.max(0, this.limits.maxPerDay - Number(used ?? 0)) };
  }

  /** Checks an amount against the limits that do not need a reservation (for the flow's early answer). */
  checkAmount(amount: number): void {
    if (amount < this.limits.min)
      throw new AppError("below_minimum", "below the minimum payout", {
        details: { min: this.limits.min },
      });
    if (amount > this.limits.maxPerRequest)
      throw new AppError("above_request_cap", "above the per-request cap", {
        details: { max: this.limits.maxPerRequest },
      });
  }

  /**
   * Requests a payout, once per `nonce` (the confirm screen's): a double
   * confirm returns the same payout. Requires approved KYC; checks the
   * minimum, the per-request cap, the per-day cap (a Redis counter, so
   * concurrent requests cannot pass it together) and the available balance
   * (the ledger's rule), then holds the amount.
   */
  async request(input: {
    userId: string;
    amount: number;
    provider: PayoutProvider;
    walletPhone: string;
    nonce: string;
  }): Promise<PayoutDoc> {
    if (!/^[A-Za-z0-9]{8,24}$/.test(input.nonce)) throw new AppError("bad_nonce", "bad request nonce");
    const id = `P${input.nonce}`;
    const existing = await this.find(id);
    if (existing !== null && existing.status !== "holding") return existing;
    if (!(await this.kycApproved(input.userId))) throw new AppError("kyc_required", "payouts need a verified identity");
    this.checkAmount(input.amount);
    const dayKey = this.dayKey(input.userId);
    if (existing === null) {
      // The request's id is claimed first: concurrent repeats of one confirm find the winner and touch nothing else.
      try {
        await this.Payout.create({
          _id: id,
          userId: input.userId,
          amount: input.amount,
          provider: input.provider,
          walletPhone: input.walletPhone,
          status: "holding",
          requestedAt: this.now(),
          decidedAt: null,
          decidedBy: null,
          reason: null,
          providerTxnId: null,
          paidAt: null,
        });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        const winner = await this.find(id);
        if (winner !== null) return winner;
        throw error;
      }
      const used = await this.redis.incrby(dayKey, input.amount);
      await this.redis.expire(dayKey, 2 * 86_400);
      if (used > this.limits.maxPerDay) {
        await this.redis.decrby(dayKey, input.amount);
        await this.Payout.deleteOne({ _id: id, status: "holding" }).exec();
        throw new AppError("above_daily_cap", "above the per-day cap", {
          details: { max: this.limits.maxPerDay, left: Math.max(0, this.limits.maxPerDay - (used - input.amount)) },
        });
      }
    }
    try {
      await this.wallet.move(input.userId, "available", "held", input.amount, `payout:${id}:hold`, {
        code: "payout_hold",
        params: { payout: id },
      });
    } catch (error) {
      if (error instanceof InsufficientFunds) {
        await this.Payout.deleteOne({ _id: id, status: "holding" }).exec();
        await this.redis.decrby(dayKey, input.amount);
        throw new AppError("insufficient_funds", "not enough available", {
          details: { available: (await this.wallet.balances(input.userId)).available },
        });
      }
      throw error;
    }
    await this.Payout.updateOne({ _id: id, status: "holding" }, { $set: { status: "requested" } }).exec();
    await this.Prefs.updateOne(
      { _id: input.userId },
      { $set: { provider: input.provider, walletPhone: input.walletPhone } },
      { upsert: true },
    ).exec();
    const payout = (await this.find(id)) as PayoutDoc;
    await this.events.emit("payout.requested", { payout });
    return payout;
  }

  /** What waits for finance, oldest first: requests to decide, and approved payouts to pay. */
  async queue(limit = 10, statuses: Array<PayoutDoc["status"]> = ["requested"]): Promise<PayoutDoc[]> {
    return this.Payout.find({ status: { $in: statuses } })
      .sort({ requestedAt: 1 })
      .limit(limit)
      .lean<PayoutDoc[]>()
      .exec();
  }

  async breaker(): Promise<PayoutBreakerDoc> {
    return (
      (await this.Breaker.findById(BREAKER_ID).lean<PayoutBreakerDoc>().exec()) ?? {
        _id: BREAKER_ID,
        paused: false,
        reason: null,
        at: this.now(),
      }
    );
  }

  private async trip(reason: string, actor: FinanceActor): Promise<never> {
    await this.setBreaker(reason, actor);
    await this.events.emit("payouts.paused", { reason });
    throw new AppError("payouts_paused", `payouts paused: ${reason}`, { details: { reason } });
  }

  /** An owner resumes payouts after a breaker tripped. */
  async resume(actor: FinanceActor): Promise<void> {
    await this.setBreaker(null, actor);
  }

  /** Pauses payouts with a reason, or resumes them (`null`), and audits who did it. */
  private async setBreaker(reason: string | null, actor: FinanceActor): Promise<void> {
    await this.Breaker.updateOne(
      { _id: BREAKER_ID },
      { $set: { paused: reason !== null, reason, at: this.now() } },
      { upsert: true },
    ).exec();
    await this.audit.record({
      actorId: actor.userId,
      actorRole: actor.role,
      channel: actor.channel,
      action: reason === null ? "payouts.resumed" : "payouts.breaker_tripped",
      target: BREAKER_ID,
      ...(reason === null ? {} : { after: { reason } }),
    });
  }

  /** Claims one step of a payout (`payout:<id>:<step>`); a second claim is refused. */
  private async claimStep(id: string, step: "decided" | "settled", actor: FinanceActor): Promise<PayoutDoc> {
    const payout = await this.find(id);
    if (payout === null) throw new AppError("payout_not_found", `no payout ${id}`);
    if (!(await decideOnce(this.connection, `payout:${id}:${step}`, { by: actor.userId }, this.now())))
      throw new AppError("payout_already_decided", `payout ${id} was already handled`);
    return payout;
  }

  /**
   * Approves a request (paused payouts and the circuit breakers are checked first), then hands it to the disbursement
   * provider.
   */
  async approve(id: string, actor: FinanceActor, provider: DisbursementProvider): Promise<PayoutDoc> {
    const current = await this.find(id);
    if (current === null) throw new AppError("payout_not_found", `no payout ${id}`);
    if (current.status !== "requested")
      throw new AppError("payout_already_decided", `payout ${id} is ${current.status}`);
    const breaker = await this.breaker();
    if (breaker.paused)
      throw new AppError("payouts_paused", `payouts paused: ${breaker.reason ?? ""}`, {
        details: { reason: breaker.reason },
      });
    if (current.amount > this.limits.breakerPerPayout)
      await this.trip(`payout ${id} of ${current.amount} kyat is above ${this.limits.breakerPerPayout}`, actor);
    const hourKey = `${this.prefix}:payout-hour:${this.now().toISOString().slice(0, 13)}`;
    const hour = await this.redis.incrby(hourKey, current.amount);
    await this.redis.expire(hourKey, 7_200);
    if (hour > this.limits.breakerPerHour) {
      await this.redis.decrby(hourKey, current.amount);
      await this.trip(`more than ${this.limits.breakerPerHour} kyat approved within the hour`, actor);
    }
    let payout: PayoutDoc;
    try {
      payout = await this.claimStep(id, "decided", actor);
    } catch (error) {
      await this.redis.decrby(hourKey, current.amount);
      throw error;
    }
    const approved = { ...payout, status: "approved" as const, decidedAt: this.now(), decidedBy: actor.userId };
    await this.Payout.updateOne(
      { _id: id },
      { $set: { status: approved.status, decidedAt: approved.decidedAt, decidedBy: approved.decidedBy } },
    ).exec();
    await this.audit.record({
      actorId: actor.userId,
      actorRole: actor.role,
      channel: actor.channel,
      action: "payout.approve",
      target: id,
      before: { status: "requested" },
      after: { status: "approved", amount: payout.amount },
    });
    const result = await provider.disburse(approved);
    return result.kind === "paid" ? this.markPaid(id, actor, result.providerTxnId) : approved;
  }

  /** Rejects a request with a reason; the hold goes back to available. */
  async reject(id: string, actor: FinanceActor, reason: string): Promise<PayoutDoc> {
    const payout = await this.claimStep(id, "decided", actor);
    return this.release(payout, actor, "rejected", reason, "payout.reject");
  }

  /** The provider paid it (manual: finance records the provider's transaction id): held → paid out. */
  async markPaid(id: string, actor: FinanceActor, providerTxnId: string): Promise<PayoutDoc> {
    if (!/^[A-Za-z0-9_-]{4,64}$/.test(providerTxnId))
      throw new AppError("bad_transaction_id", "a provider transaction id is 4-64 letters, digits, - or _");
    const current = await this.find(id);
    if (current?.status !== "approved") throw new AppError("payout_not_approved", `payout ${id} is not approved`);
    const payout = await this.claimStep(id, "settled", actor);
    await this.wallet.move(payout.userId, "held", "paidout", payout.amount, `payout:${id}:paid`, {
      code: "payout_paid",
      params: { payout: id },
    });
    const paid: PayoutDoc = { ...payout, status: "paid", providerTxnId, paidAt: this.now() };
    await this.Payout.updateOne({ _id: id }, { $set: { status: "paid", providerTxnId, paidAt: paid.paidAt } }).exec();
    await this.audit.record({
      actorId: actor.userId,
      actorRole: actor.role,
      channel: actor.channel,
      action: "payout.paid",
      target: id,
      before: { status: "approved" },
      after: { status: "paid", providerTxnId },
    });
    await this.events.emit("payout.paid", { payout: paid });
    return paid;
  }

  /** The provider could not pay it: the hold goes back to available. */
  async markFailed(id: string, actor: FinanceActor, reason: string): Promise<PayoutDoc> {
    const current = await this.find(id);
    if (current?.status !== "approved") throw new AppError("payout_not_approved", `payout ${id} is not approved`);
    const payout = await this.claimStep(id, "settled", actor);
    return this.release(payout, actor, "failed", reason, "payout.failed");
  }

  private async release(
    payout: PayoutDoc,
    actor: FinanceActor,
    status: "rejected" | "failed",
    reason: string,
    action: string,
  ): Promise<PayoutDoc> {
    await this.wallet.move(payout.userId, "held", "available", payout.amount, `payout:${payout._id}:release`, {
      code: "payout_released",
      params: { payout: payout._id },
    });
    const released: PayoutDoc = { ...payout, status, reason, decidedAt: this.now(), decidedBy: actor.userId };
    await this.Payout.updateOne(
      { _id: payout._id },
      { $set: { status, reason, decidedAt: released.decidedAt, decidedBy: actor.userId } },
    ).exec();
    await this.audit.record({
      actorId: actor.userId,
      actorRole: actor.role,
      channel: actor.channel,
      action,
      target: payout._id,
      before: { status: payout.status },
      after: { status, reason },
    });
    await this.events.emit("payout.returned", { payout: released });
    return released;
  }

  /** Approved but unpaid payouts as CSV, for bulk-transfer portals. */
  async approvedCsv(): Promise<string> {
    const rows = await this.Payout.find({ status: "approved" }).sort({ decidedAt: 1 }).lean<PayoutDoc[]>().exec();
    const quote = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
    return (
      [
        "payout_id,provider,wallet_phone,amount_mmk,user_id,approved_at",
        ...rows.map((row) =>
          [row._id, row.provider, row.walletPhone, String(row.amount), row.userId, row.decidedAt?.toISOString() ?? ""]
            .map(quote)
            .join(","),
        ),
      ].join("\n") + "\n"
    );
  }
}
