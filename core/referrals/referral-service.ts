import type { Redis } from "ioredis";
import type { Connection, Model } from "mongoose";
import type { CatalogService } from "../catalog/catalog-service.ts";
import { orderedKeys } from "../db/ordered-keys.ts";
import { decideOnce, decisionModel, isDuplicateKey } from "../decisions/decision-store.ts";
import { AppError } from "../errors/app-error.ts";
import { randomId } from "../users/public-id.ts";
import type { UserService } from "../users/user-service.ts";
import {
  allowedMoves,
  holdsCandidate,
  type MoveActor,
  type Relationship,
  type ReferralStatus,
  type RejectReason,
} from "./pipeline.ts";
import { referralModels, type CandidateClaimDoc, type ReferralDoc, type ReferralMove } from "./referral-model.ts";
import { yangonDay } from "../values/yangon-time.ts";
import type { EventHub } from "../events/event-hub.ts";

export const REFERRAL_ID_PATTERN = /^R[2-9A-HJKMNP-Z]{7}$/;

export interface SubmitInput {
  jobId: string;
  /** Who earns the bonus: the person who submitted, or who shared the link. */
  referrerId: string;
  /** Who is typing: the referrer, or the candidate applying through a link (the daily limit counts them). */
  submittedBy: string;
  source: ReferralDoc["source"];
  candidate: { name: string; phone: string };
  candidateUserId: string | null;
  relationship: Relationship | null;
  cvMediaId: string | null;
}

export interface MoveResult {
  referral: ReferralDoc;
  /** True when it already had that status (a repeat): nothing changed. */
  already: boolean;
}

/**
 * An in-flight submission holds its claim before its referral exists; older than this, a claim with no referral is
 * stale.
 */
const CLAIM_GRACE_MS = 60_000;

/**
 * Referrals from submission to hire. Every "once" is an insert under a
 * unique key (ARCHITECTURE rule 1): the candidate claim per job and phone,
 * and each pipeline move (`referral:<id>:move:<n>`), so concurrent moves
 * of one referral record exactly one change, on MongoDB and on FerretDB.
 */
export class ReferralService {
  private readonly connection: Connection;
  private readonly Referral: Model<ReferralDoc>;
  private readonly Claim: Model<CandidateClaimDoc>;
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly perDay: number;
  private readonly catalog: CatalogService;
  private readonly users: UserService;
  private readonly now: () => Date;
  private readonly rewards: { creditHire(referral: ReferralDoc): Promise<unknown> } | undefined;
  /** Called once per recorded change (and again for a repeat of the last one, so a crash between the two heals). */

  private readonly events: EventHub;

  constructor(options: {
    connection: Connection;
    redis: Redis;
    prefix: string;
    perDay: number;
    catalog: CatalogService;
    users: UserService;
    /** Credits a hire's rewards (idempotent); called after the hire is recorded, and again on a repeat. */
    rewards?: { creditHire(referral: ReferralDoc): Promise<unknown> };
    now?: () => Date;
    /** Where this service announces what it decided (the process's one hub, from createCore). */
    events: EventHub;
  }) {
    this.rewards = options.rewards;
    this.connection = options.connection;
    const models = referralModels(options.connection);
    this.Referral = models.Referral;
    this.Claim = models.Claim;
    this.redis = options.redis;
    this.prefix = options.prefix;
    this.perDay = options.perDay;
    this.catalog = options.catalog;
    this.users = options.users;
    this.now = options.now ?? (() => new Date());
    this.events = options.events;
  }

  async find(referralId: string): Promise<ReferralDoc | null> {
    if (!REFERRAL_ID_PATTERN.test(referralId)) return null;
    return this.Referral.findById(referralId).lean<ReferralDoc>().exec();
  }

  /**
   * Checks the rules and records a referral: the job is open, nobody refers
   * themselves, the candidate is not already referred to this job (first
   * wins), and the person is within their daily limit.
   */
  async submit(input: SubmitInput): Promise<ReferralDoc> {
    const job = await this.catalog.findJob(input.jobId);
    if (job === null) throw new AppError("job_not_found", `no job ${input.jobId}`);
    if (job.status !== "open") throw new AppError("job_closed", `job ${job._id} is ${job.status}`);
    const referrer = await this.users.findUser(input.referrerId);
    if (referrer === null || referrer.status !== "active")
      throw new AppError("referrer_not_found", "the referrer is not an active user");
    if (input.candidateUserId === input.referrerId || referrer.phone === input.candidate.phone)
      throw new AppError("self_referral", "people cannot refer themselves");

    const dayKey = `${this.prefix}:referrals:day:${input.submittedBy}:${yangonDay(this.now())}`;
    const count = await this.redis.incr(dayKey);
    if (count === 1) await this.redis.expire(dayKey, 2 * 86_400);
    if (count > this.perDay) {
      await this.redis.decr(dayKey);
      throw new AppError("daily_limit", `at most ${this.perDay} referrals a day`, {
        details: { limit: this.perDay },
      });
    }
    try {
      const id = `R${randomId(7)}`;
      await this.claim(input.jobId, input.candidate.phone, id);
      const now = this.now();
      const referral: ReferralDoc = {
        _id: id,
        jobId: job._id,
        referrerId: input.referrerId,
        source: input.source,
        candidate: input.candidate,
        candidateUserId: input.candidateUserId,
        relationship: input.relationship,
        consentAt: now,
        cvMediaId: input.cvMediaId,
        bonus: job.bonus,
        status: "submitted",
        history: [],
        createdAt: now,
        updatedAt: now,
        hiredAt: null,
      };
      try {
        await this.Referral.create(referral);
      } catch (error) {
        await this.Claim.deleteOne({ _id: claimKey(input.jobId, input.candidate.phone), referralId: id }).exec();
        throw error;
      }
      await this.events.emit("referral.submitted", { referral });
      return referral;
    } catch (error) {
      await this.redis.decr(dayKey);
      throw error;
    }
  }

  /**
   * Whether this candidate is already held for this job by a live referral (asked right after the phone, so nobody
   * types a CV, relationship and consent for a referral that will be refused). Submitting still decides, by the claim.
   */
  async candidateTaken(jobId: string, phone: string): Promise<boolean> {
    const existing = await this.Claim.findById(claimKey(jobId, phone)).lean<CandidateClaimDoc>().exec();
    if (existing === null) return false;
    const holder = await this.Referral.findById(existing.referralId).lean<ReferralDoc>().exec();
    if (holder !== null) return holdsCandidate(holder.status);
    return this.now().getTime() - new Date(existing.at).getTime() < CLAIM_GRACE_MS;
  }

  /**
   * Takes the candidate for this job, or says who has them. A claim left by a rejected, withdrawn or abandoned referral
   * is taken over.
   */
  private async claim(jobId: string, phone: string, referralId: string): Promise<void> {
    const key = claimKey(jobId, phone);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.Claim.create({ _id: key, referralId, at: this.now() });
        return;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      const existing = await this.Claim.findById(key).lean<CandidateClaimDoc>().exec();
      if (existing === null) continue;
      const holder = await this.Referral.findById(existing.referralId).lean<ReferralDoc>().exec();
      const young = this.now().getTime() - new Date(existing.at).getTime() < CLAIM_GRACE_MS;
      if ((holder !== null && holdsCandidate(holder.status)) || (holder === null && young)) {
        throw new AppError("duplicate_candidate", "this candidate is already referred to this job");
      }
      await this.Claim.deleteOne({ _id: key, referralId: existing.referralId }).exec();
    }
    throw new AppError("duplicate_candidate", "this candidate is already referred to this job");
  }

  /**
   * Moves a referral one step. Only the moves in the pipeline are allowed,
   * recruiters run it and a referrer may only withdraw. A repeat of the
   * status it already has is answered as success (`already`); a concurrent
   * different move loses with `moved_meanwhile`.
   */
  async move(
    referralId: string,
    to: ReferralStatus,
    actor: { userId: string; as: MoveActor },
    reason: RejectReason | null = null,
  ): Promise<MoveResult> {
    let referral = await this.find(referralId);
    if (referral === null) throw new AppError("referral_not_found", `no referral ${referralId}`);
    referral = await this.finishDecided(referral);
    // A referral is withdrawn by its referrer; an application through a shared link by the applicant, not the sharer.
    if (actor.as === "referrer" && (referral.referrerId !== actor.userId || referral.source === "link"))
      throw new AppError("not_your_referral", "only the referrer may withdraw it");
    if (actor.as === "candidate" && referral.candidateUserId !== actor.userId)
      throw new AppError("not_your_referral", "only the applicant may withdraw it");
    if (referral.status === to) {
      await this.effects(referral);
      return { referral, already: true };
    }
    if (!allowedMoves(referral.status, actor.as).includes(to)) {
      throw new AppError("move_not_allowed", `cannot move from ${referral.status} to ${to}`, {
        details: { from: referral.status, to },
      });
    }
    if (to === "rejected" && reason === null) throw new AppError("reason_required", "a rejection needs a reason");
    const move: ReferralMove = {
      from: referral.status,
      to,
      by: actor.userId,
      at: this.now(),
      reason: to === "rejected" ? reason : null,
    };
    const n = referral.history.length;
    if (
      !(await decideOnce(this.connection, moveKey(referral._id, n), { ...move, at: move.at.toISOString() }, move.at))
    ) {
      const current = await this.finishDecided((await this.find(referralId)) ?? referral);
      if (current.status === to) {
        await this.effects(current);
        return { referral: current, already: true };
      }
      throw new AppError("moved_meanwhile", `referral ${referralId} is now ${current.status}`, {
        details: { status: current.status },
      });
    }
    if (to === "hired")
      await decideOnce(this.connection, `referral:${referral._id}:hired`, { by: actor.userId }, move.at);
    return { referral: await this.record(referral, move), already: false };
  }

  /** Writes a decided move into the referral (the decision is the truth; this is its effect). */
  private async record(referral: ReferralDoc, move: ReferralMove): Promise<ReferralDoc> {
    const n = referral.history.length;
    await this.Referral.updateOne(
      { _id: referral._id, [`history.${n}`]: { $exists: false } },
      {
        $set: { status: move.to, updatedAt: move.at, ...(move.to === "hired" ? { hiredAt: move.at } : {}) },
        $push: { history: move },
      },
    ).exec();
    if (!holdsCandidate(move.to))
      await this.Claim.deleteOne({
        _id: claimKey(referral.jobId, referral.candidate.phone),
        referralId: referral._id,
      }).exec();
    const updated: ReferralDoc = {
      ...referral,
      status: move.to,
      updatedAt: move.at,
      hiredAt: move.to === "hired" ? move.at : referral.hiredAt,
      history: [...referral.history, move],
    };
    await this.effects(updated);
    return updated;
  }

  /**
   * What follows the latest move: a hire's rewards, then the notices. Both are idempotent, so a repeat heals a crash
   * between move and effects.
   */
  private async effects(referral: ReferralDoc): Promise<void> {
    const last = referral.history.at(-1);
    if (last === undefined) return;
    if (referral.status === "hired") await this.rewards?.creditHire(referral);
    if (last.to === "hired") await this.events.emit("referral.hired", { referral, move: last });
    await this.events.emit("referral.moved", { referral, move: last });
  }

  /** A move decided but not yet written (the writer stopped between the two) is written now. */
  private async finishDecided(referral: ReferralDoc): Promise<ReferralDoc> {
    let current = referral;
    for (;;) {
      const decided = await decisionModel(this.connection)
        .findById(moveKey(current._id, current.history.length))
        .lean()
        .exec();
      const meta = decided?.meta as (Omit<ReferralMove, "at"> & { at: string }) | null | undefined;
      if (meta === null || meta === undefined) return current;
      current = await this.record(current, { ...meta, at: new Date(meta.at) });
    }
  }

  /** A person's own applications (made through a shared link), newest first. */
  async byCandidate(userId: string, limit = 10): Promise<ReferralDoc[]> {
    return this.Referral.find({ candidateUserId: userId })
      .sort({ createdAt: -1 })
      .limit(limit)
      .lean<ReferralDoc[]>()
      .exec();
  }

  /** A person's referrals, newest first. */
  async byReferrer(userId: string, limit = 10): Promise<ReferralDoc[]> {
    return this.Referral.find({ referrerId: userId }).sort({ createdAt: -1 }).limit(limit).lean<ReferralDoc[]>().exec();
  }

  /** A job's referrals in one status (or all), newest first. */
  async byJob(jobId: string, status: ReferralStatus | undefined, limit = 10, skip = 0): Promise<ReferralDoc[]> {
    return this.Referral.find(status === undefined ? { jobId } : { jobId, status })
      .sort({ createdAt: -1 })
      .skip(skip)
      .limit(limit)
      .lean<ReferralDoc[]>()
      .exec();
  }

  /** How many referrals a job has in each status. */
  async countsByStatus(jobId: string): Promise<Partial<Record<ReferralStatus, number>>> {
    const rows = await this.Referral.aggregate<{ _id: ReferralStatus; count: number }>([
      { $match: { jobId } },
      { $group: { _id: "$status", count: { $sum: 1 } } },
    ]).exec();
    return Object.fromEntries(rows.map((row) => [row._id, row.count]));
  }

  /**
   * Jobs with referrals waiting for a recruiter (not final), most recent activity first. Counted with `$sum` and
   * ordered by a sorted read: FerretDB has neither `$max` nor `$first` in `$group`.
   */
  async activeJobs(limit = 10): Promise<Array<{ jobId: string; count: number }>> {
    const active = { status: { $in: ["submitted", "screening", "interview", "offered"] as ReferralStatus[] } };
    const counts = await this.Referral.aggregate<{ _id: string; count: number }>([
      { $match: active },
      { $group: { _id: "$jobId", count: { $sum: 1 } } },
    ]).exec();
    const countOf = new Map(counts.map((row) => [row._id, row.count]));
    const order = await orderedKeys(this.Referral, active, { updatedAt: -1 }, "jobId", limit, countOf.size);
    return order.map((jobId) => ({ jobId, count: countOf.get(jobId) ?? 0 }));
  }
}

const claimKey = (jobId: string, phone: string): string => `${jobId}:${phone}`;
const moveKey = (referralId: string, n: number): string => `referral:${referralId}:move:${n}`;
