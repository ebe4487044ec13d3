import type { Redis } from "ioredis";
import type { Connection, Model } from "mongoose";
import type { AuditLog } from "../admin/audit-log.ts";
import type { Config } from "../config/load-config.ts";
import { decideOnce, decisionModel, isDuplicateKey } from "../decisions/decision-store.ts";
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

/** Who took a payout decision, as recorded with it. */
interface DecisionActor {
  by: string;
  role: FinanceActor["role"];
  channel: FinanceActor["channel"];
}

/** The effect a payout decision records, so whoever finds it undone can finish it. */
type PayoutIntent =
  | { effect: "approved" }
  | { effect: "rejected"; reason: string }
  | { effect: "paid"; providerTxnId: string }
  | { effect: "failed"; reason: string };

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

  /** A person's latest payouts, newest first (for a support agent's summary). */
  async byUser(userId: string, limit = 3): Promise<PayoutDoc[]> {
    return this.Payout.find({ userId }).sort({ requestedAt: -1 }).limit(limit).lean<PayoutDoc[]>().exec();
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
    // The wallet last used; two requests upserting it at once race on its _id: the loser's write goes in as an update.
    const remember = { $set: { provider: input.provider, walletPhone: input.walletPhone } };
    await this.Prefs.updateOne({ _id: input.userId }, remember, { upsert: true })
      .exec()
      .catch(async (error: unknown) => {
        if (!isDuplicateKey(error)) throw error;
        await this.Prefs.updateOne({ _id: input.userId }, remember).exec();
      });
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

  /**
   * Claims one step of a payout (`payout:<id>:<step>`), recording the effect it decides. A second claim is refused,
   * but only after the first one's effect is made sure of: a decision whose effect a crash cut off finishes here (and
   * in the sweeper), so nothing decided stays undone.
   */
  private async claimStep(
    id: string,
    step: "decided" | "settled",
    actor: FinanceActor,
    intent: PayoutIntent,
  ): Promise<PayoutDoc> {
    const payout = await this.find(id);
    if (payout === null) throw new AppError("payout_not_found", `no payout ${id}`);
    const meta = { by: actor.userId, role: actor.role, channel: actor.channel, ...intent };
    if (!(await decideOnce(this.connection, `payout:${id}:${step}`, meta, this.now()))) {
      await this.finish(id);
      throw new AppError("payout_already_decided", `payout ${id} was already handled`);
    }
    return payout;
  }

  /**
   * Makes a payout's recorded decisions true: the ledger moves (each once, by its transaction key), the status, the
   * audit entry and the event (its notices are keyed, so nobody hears twice). Safe to run any number of times.
   */
  async finish(id: string): Promise<PayoutDoc | null> {
    const payout = await this.find(id);
    if (payout === null) return null;
    const decisions = decisionModel(this.connection);
    const [decided, settled] = await Promise.all([
      decisions.findById(`payout:${id}:decided`).lean().exec(),
      decisions.findById(`payout:${id}:settled`).lean().exec(),
    ]);
    const step = (settled ?? decided)?.meta as (PayoutIntent & Partial<DecisionActor>) | null | undefined;
    // A decision recorded before intents were (no effect) is left as it was.
    if (step === undefined || step === null || step.effect === undefined) return payout;
    const actor: FinanceActor = {
      userId: step.by ?? "system",
      role: step.role ?? "finance",
      channel: step.channel ?? "tg",
    };
    switch (step.effect) {
      case "approved":
        if (payout.status !== "requested") return payout;
        return this.applyApproved(payout, actor);
      case "paid":
        return payout.status === "paid" ? payout : this.applyPaid(payout, actor, step.providerTxnId);
      case "rejected":
      case "failed":
        return payout.status === step.effect
          ? payout
          : this.release(
              payout,
              actor,
              step.effect,
              step.reason,
              `payout.${step.effect === "rejected" ? "reject" : "failed"}`,
            );
    }
  }

  /** Payouts whose decision was recorded but whose effect was not (a crash between the two): finished now. */
  async finishStuck(limit = 200): Promise<string[]> {
    const open = await this.Payout.find({ status: { $in: ["requested", "approved"] } }, { _id: 1, status: 1 })
      .limit(limit)
      .lean<Array<Pick<PayoutDoc, "_id" | "status">>>()
      .exec();
    if (open.length === 0) return [];
    const keys = open.flatMap((payout) => [`payout:${payout._id}:decided`, `payout:${payout._id}:settled`]);
    const decided = await decisionModel(this.connection)
      .find({ _id: { $in: keys } }, { _id: 1, meta: 1 })
      .lean()
      .exec();
    const finished: string[] = [];
    for (const payout of open) {
      const settled = decided.some((doc) => doc._id === `payout:${payout._id}:settled`);
      const first = decided.find((doc) => doc._id === `payout:${payout._id}:decided`);
      const behind =
        settled ||
        (first !== undefined &&
          (payout.status === "requested" || (first.meta as PayoutIntent | null)?.effect !== "approved"));
      if (!behind) continue;
      await this.finish(payout._id);
      finished.push(payout._id);
    }
    return finished;
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
      payout = await this.claimStep(id, "decided", actor, { effect: "approved" });
    } catch (error) {
      await this.redis.decrby(hourKey, current.amount);
      throw error;
    }
    const approved = await this.applyApproved(payout, actor);
    const result = await provider.disburse(approved);
    return result.kind === "paid" ? this.markPaid(id, actor, result.providerTxnId) : approved;
  }

  private async applyApproved(payout: PayoutDoc, actor: FinanceActor): Promise<PayoutDoc> {
    const approved = { ...payout, status: "approved" as const, decidedAt: this.now(), decidedBy: actor.userId };
    await this.Payout.updateOne(
      { _id: payout._id, status: "requested" },
      { $set: { status: approved.status, decidedAt: approved.decidedAt, decidedBy: approved.decidedBy } },
    ).exec();
    await this.audit.record({
      actorId: actor.userId,
      actorRole: actor.role,
      channel: actor.channel,
      action: "payout.approve",
      target: payout._id,
      before: { status: "requested" },
      after: { status: "approved", amount: payout.amount },
      once: `payout:${payout._id}:decided`,
    });
    await this.events.emit("payout.approved", { payout: approved });
    return approved;
  }

  /** Rejects a request with a reason; the hold goes back to available. */
  async reject(id: string, actor: FinanceActor, reason: string): Promise<PayoutDoc> {
    const payout = await this.claimStep(id, "decided", actor, { effect: "rejected", reason });
    return this.release(payout, actor, "rejected", reason, "payout.reject");
  }

  /** The provider paid it (manual: finance records the provider's transaction id): held → paid out. */
  async markPaid(id: string, actor: FinanceActor, providerTxnId: string): Promise<PayoutDoc> {
    if (!/^[A-Za-z0-9_-]{4,64}$/.test(providerTxnId))
      throw new AppError("bad_transaction_id", "a provider transaction id is 4-64 letters, digits, - or _");
    const current = await this.find(id);
    if (current?.status !== "approved") throw new AppError("payout_not_approved", `payout ${id} is not approved`);
    const payout = await this.claimStep(id, "settled", actor, { effect: "paid", providerTxnId });
    return this.applyPaid(payout, actor, providerTxnId);
  }

  private async applyPaid(payout: PayoutDoc, actor: FinanceActor, providerTxnId: string): Promise<PayoutDoc> {
    const id = payout._id;
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
      once: `payout:${id}:settled`,
    });
    await this.events.emit("payout.paid", { payout: paid });
    return paid;
  }

  /** The provider could not pay it: the hold goes back to available. */
  async markFailed(id: string, actor: FinanceActor, reason: string): Promise<PayoutDoc> {
    const current = await this.find(id);
    if (current?.status !== "approved") throw new AppError("payout_not_approved", `payout ${id} is not approved`);
    const payout = await this.claimStep(id, "settled", actor, { effect: "failed", reason });
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
      once: `payout:${payout._id}:${status === "rejected" ? "decided" : "settled"}`,
    });
    await this.events.emit("payout.returned", { payout: released });
    return released;
  }

  /**
   * Approved but unpaid payouts, oldest decision first, for bulk-transfer portals. Only those whose ledger and status
   * agree: a payout already settled (paid or failed, even if a crash left its status behind) is never listed, so never
   * paid twice.
   */
  async approvedForTransfer(): Promise<PayoutDoc[]> {
    const approved = await this.Payout.find({ status: "approved" }).sort({ decidedAt: 1 }).lean<PayoutDoc[]>().exec();
    const settled = new Set(
      (
        await decisionModel(this.connection)
          .find({ _id: { $in: approved.map((row) => `payout:${row._id}:settled`) } }, { _id: 1 })
          .lean()
          .exec()
      ).map((doc) => doc._id),
    );
    return approved.filter((row) => !settled.has(`payout:${row._id}:settled`));
  }
}
