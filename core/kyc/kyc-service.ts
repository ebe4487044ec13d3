import type { Connection, Model } from "mongoose";
import type { AuditLog } from "../admin/audit-log.ts";
import { decideOnce, decisionModel, isDuplicateKey } from "../decisions/decision-store.ts";
import { AppError } from "../errors/app-error.ts";
import type { MediaVault } from "../files/media-vault.ts";
import { randomId } from "../users/public-id.ts";
import type { Role } from "../users/user-model.ts";
import {
  kycModels,
  KYC_DOCUMENTS,
  type KycDocument,
  type KycRejectReason,
  type KycStateDoc,
  type KycSubmissionDoc,
  type NrcHolderDoc,
} from "./kyc-models.ts";
import { nrcBurmese, nrcKey, type Nrc } from "../myanmar/nrc.ts";
import type { EventHub } from "../events/event-hub.ts";

const submissionKey = (userId: string, attempt: number): string => `kyc:${userId}:submission:${attempt}`;
const decidedKey = (submissionId: string): string => `kyc:${submissionId}:decided`;

/** What a review decision records: enough to make it true again after a crash. */
type DecisionIntent = {
  by: string;
  role?: Role;
  channel?: "tg" | "vb";
  outcome: "approved" | "rejected";
  reason?: KycRejectReason | null;
  reasonText?: string | null;
};

export interface KycDraft {
  nrc: Nrc;
  fullName: string;
  dateOfBirth: string;
  documents: Record<KycDocument, string>;
}

export interface Reviewer {
  userId: string;
  role: Role;
  channel: "tg" | "vb";
}

/**
 * Identity verification: one open submission per person (an insert under
 * `kyc:<user>:submission:<n>`), decided once (`kyc:<id>:decided`), every view
 * and decision audited, and documents deleted after the retention period or
 * when their owner asks, while the decision record stays.
 */
export class KycService {
  private readonly connection: Connection;
  private readonly Submission: Model<KycSubmissionDoc>;
  private readonly State: Model<KycStateDoc>;
  private readonly Holder: Model<NrcHolderDoc>;
  private readonly vault: MediaVault;
  private readonly audit: AuditLog;
  private readonly now: () => Date;
  /** Whether the person has a payout in flight (their documents may not be deleted then). */
  private readonly payoutInFlight: (userId: string) => Promise<boolean>;
  /** Told once per decision (the bot tells the person, in their language). */

  private readonly events: EventHub;

  constructor(options: {
    connection: Connection;
    vault: MediaVault;
    audit: AuditLog;
    payoutInFlight: (userId: string) => Promise<boolean>;
    now?: () => Date;
    /** Where this service announces what it decided (the process's one hub, from createCore). */
    events: EventHub;
  }) {
    this.connection = options.connection;
    const models = kycModels(options.connection);
    this.Submission = models.Submission;
    this.State = models.State;
    this.Holder = models.Holder;
    this.vault = options.vault;
    this.audit = options.audit;
    this.payoutInFlight = options.payoutInFlight;
    this.now = options.now ?? (() => new Date());
    this.events = options.events;
  }

  async state(userId: string): Promise<KycStateDoc> {
    return (
      (await this.State.findById(userId).lean<KycStateDoc>().exec()) ?? {
        _id: userId,
        status: "none",
        submissionId: null,
        attempts: 0,
        updatedAt: this.now(),
      }
    );
  }

  async find(submissionId: string): Promise<KycSubmissionDoc | null> {
    return this.Submission.findById(submissionId).lean<KycSubmissionDoc>().exec();
  }

  /** Whether each document is stored yet (the worker checks and encrypts them after they arrive). */
  async documentStatus(
    documents: Partial<Record<KycDocument, string>>,
  ): Promise<Record<KycDocument, "missing" | "pending" | "stored" | "rejected" | "deleted">> {
    const entries = await Promise.all(
      KYC_DOCUMENTS.map(async (kind) => {
        const id = documents[kind];
        const media = id === undefined || id === "" ? null : await this.vault.find(id);
        return [kind, media === null ? "missing" : media.status] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<
      KycDocument,
      "missing" | "pending" | "stored" | "rejected" | "deleted"
    >;
  }

  async submit(userId: string, draft: KycDraft): Promise<KycSubmissionDoc> {
    const state = await this.state(userId);
    if (state.status === "approved") throw new AppError("kyc_already_approved", "this identity is already verified");
    if (state.status === "submitted")
      throw new AppError("kyc_already_submitted", "a submission is already waiting for review");
    for (const kind of KYC_DOCUMENTS) {
      const media = await this.vault.find(draft.documents[kind]);
      const status = media === null || media.ownerId !== userId ? "missing" : media.status;
      if (status !== "stored")
        throw new AppError("kyc_documents_not_ready", `the ${kind} document is not stored`, {
          details: { document: kind, status },
        });
    }
    const attempt = state.attempts + 1;
    const key = submissionKey(userId, attempt);
    let id = `K${randomId(9)}`;
    if (!(await decideOnce(this.connection, key, { id }, this.now()))) {
      // This attempt was decided before: by a concurrent tap (its submission is being written), or by a process that
      // stopped before writing it. Either way the submission decided is written now, from this draft if it is missing.
      const decided = await decisionModel(this.connection).findById(key).lean().exec();
      const decidedId = (decided?.meta as { id?: unknown } | null | undefined)?.id;
      if (typeof decidedId !== "string") throw new AppError("kyc_already_submitted", "this attempt was already made");
      id = decidedId;
    }
    const submission = await this.record(this.draftSubmission(id, userId, draft), attempt);
    await this.events.emit("kyc.submitted", { submission });
    return submission;
  }

  private draftSubmission(id: string, userId: string, draft: KycDraft): KycSubmissionDoc {
    return {
      _id: id,
      userId,
      status: "submitted",
      nrc: { ...draft.nrc, burmese: nrcBurmese(draft.nrc) },
      nrcKey: nrcKey(draft.nrc),
      fullName: draft.fullName,
      dateOfBirth: draft.dateOfBirth,
      documents: draft.documents,
      submittedAt: this.now(),
      decidedAt: null,
      decidedBy: null,
      reason: null,
      reasonText: null,
      documentsDeletedAt: null,
    };
  }

  /**
   * The effect of a submission decided: the submission (once, by its id; one already written wins), the NRC's holders
   * and the person's state. Safe to repeat.
   */
  private async record(draft: KycSubmissionDoc, attempt: number): Promise<KycSubmissionDoc> {
    let submission = draft;
    try {
      await this.Submission.create(draft);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      submission = (await this.find(draft._id)) ?? draft;
    }
    await this.Holder.updateOne(
      { _id: submission.nrcKey },
      { $addToSet: { userIds: submission.userId } },
      { upsert: true },
    ).exec();
    if (submission.status === "submitted")
      await this.State.updateOne(
        { _id: submission.userId },
        { $set: { status: "submitted", submissionId: submission._id, attempts: attempt, updatedAt: this.now() } },
        { upsert: true },
      ).exec();
    return submission;
  }

  /** Submissions waiting for review, oldest first. */
  async queue(limit = 10): Promise<KycSubmissionDoc[]> {
    return this.Submission.find({ status: "submitted" })
      .sort({ submittedAt: 1 })
      .limit(limit)
      .lean<KycSubmissionDoc[]>()
      .exec();
  }

  /** Other accounts that submitted the same NRC. */
  async sameNrcElsewhere(submission: KycSubmissionDoc): Promise<string[]> {
    const holder = await this.Holder.findById(submission.nrcKey).lean<NrcHolderDoc>().exec();
    return (holder?.userIds ?? []).filter((id) => id !== submission.userId);
  }

  /** Opens a submission for a reviewer: audited; returns it with the decrypted documents. */
  async open(
    submissionId: string,
    reviewer: Reviewer,
  ): Promise<{
    submission: KycSubmissionDoc;
    documents: Array<{ kind: KycDocument; bytes: Buffer; mime: string; ext: string }>;
  }> {
    const submission = await this.find(submissionId);
    if (submission === null) throw new AppError("kyc_not_found", `no submission ${submissionId}`);
    await this.audit.record({
      actorId: reviewer.userId,
      actorRole: reviewer.role,
      channel: reviewer.channel,
      action: "kyc.view",
      target: submission._id,
      after: { user: submission.userId },
    });
    if (submission.documentsDeletedAt !== null) return { submission, documents: [] };
    const documents = await Promise.all(
      KYC_DOCUMENTS.map(async (kind) => ({ kind, ...(await this.vault.read(submission.documents[kind])) })),
    );
    return { submission, documents };
  }

  /** Approves or rejects, once: a second decision, even a concurrent one, is refused with `kyc_already_decided`. */
  async decide(
    submissionId: string,
    reviewer: Reviewer,
    outcome: "approved" | "rejected",
    reason: KycRejectReason | null = null,
    reasonText: string | null = null,
  ): Promise<KycSubmissionDoc> {
    const submission = await this.find(submissionId);
    if (submission === null) throw new AppError("kyc_not_found", `no submission ${submissionId}`);
    if (outcome === "rejected" && reason === null) throw new AppError("reason_required", "a rejection needs a reason");
    if (submission.status !== "submitted")
      throw new AppError("kyc_already_decided", `submission ${submissionId} was already decided`);
    const intent: DecisionIntent = {
      by: reviewer.userId,
      role: reviewer.role,
      channel: reviewer.channel,
      outcome,
      reason: outcome === "rejected" ? reason : null,
      reasonText: outcome === "rejected" ? reasonText : null,
    };
    if (!(await decideOnce(this.connection, decidedKey(submissionId), intent, this.now()))) {
      await this.finish(submissionId);
      throw new AppError("kyc_already_decided", `submission ${submissionId} was already decided`);
    }
    return this.applyDecision(submission, intent, this.now());
  }

  /** The effect of a review decision: the submission, the person's state, the audit entry, the notice. */
  private async applyDecision(
    submission: KycSubmissionDoc,
    intent: DecisionIntent,
    at: Date,
  ): Promise<KycSubmissionDoc> {
    const { outcome } = intent;
    const decided: KycSubmissionDoc = {
      ...submission,
      status: outcome,
      decidedAt: at,
      decidedBy: intent.by,
      reason: outcome === "rejected" ? (intent.reason ?? "other") : null,
      reasonText: outcome === "rejected" ? (intent.reasonText ?? null) : null,
    };
    await this.State.updateOne(
      { _id: submission.userId },
      { $set: { status: outcome, submissionId: submission._id, updatedAt: this.now() } },
    ).exec();
    await this.audit.record({
      actorId: intent.by,
      actorRole: intent.role ?? "admin",
      channel: intent.channel ?? "system",
      action: `kyc.${outcome === "approved" ? "approve" : "reject"}`,
      target: submission._id,
      before: { status: "submitted" },
      after: { status: outcome, reason: decided.reason },
      once: decidedKey(submission._id),
    });
    await this.events.emit("kyc.decided", { submission: decided });
    // The submission is written last: one shown decided has had every effect, and a crash before it is finished again.
    await this.Submission.updateOne(
      { _id: submission._id, status: "submitted" },
      {
        $set: {
          status: decided.status,
          decidedAt: decided.decidedAt,
          decidedBy: decided.decidedBy,
          reason: decided.reason,
          reasonText: decided.reasonText,
        },
      },
    ).exec();
    return decided;
  }

  /**
   * Makes a submission's recorded outcome true if a crash cut it off: a submission decided but still waiting, or
   * written but not yet the person's current one. Returns the submission as it now is.
   */
  async finish(submissionId: string): Promise<KycSubmissionDoc | null> {
    const submission = await this.find(submissionId);
    if (submission?.status !== "submitted") return submission;
    const decided = await decisionModel(this.connection).findById(decidedKey(submissionId)).lean().exec();
    const intent = decided?.meta as DecisionIntent | null | undefined;
    if (decided !== null && intent !== null && intent !== undefined && intent.outcome !== undefined)
      return this.applyDecision(submission, intent, decided.at);
    const state = await this.state(submission.userId);
    if (state.submissionId !== submission._id && state.status !== "submitted" && state.status !== "approved")
      return this.record(submission, state.attempts + 1);
    return submission;
  }

  /** Submissions waiting whose decision or whose place in the person's state a crash cut off: finished now. */
  async finishStuck(page = 200): Promise<string[]> {
    const finished: string[] = [];
    for (let after = ""; ;) {
      const waiting = await this.Submission.find({ status: "submitted", _id: { $gt: after } }, { _id: 1, userId: 1 })
        .sort({ _id: 1 })
        .limit(page)
        .lean<Array<Pick<KycSubmissionDoc, "_id" | "userId">>>()
        .exec();
      if (waiting.length === 0) return finished;
      after = waiting.at(-1)?._id ?? after;
      const [decided, states] = await Promise.all([
        decisionModel(this.connection)
          .find({ _id: { $in: waiting.map((submission) => decidedKey(submission._id)) } }, { _id: 1 })
          .lean()
          .exec(),
        this.State.find({ _id: { $in: waiting.map((submission) => submission.userId) } })
          .lean<KycStateDoc[]>()
          .exec(),
      ]);
      for (const submission of waiting) {
        const state = states.find((doc) => doc._id === submission.userId);
        const behind =
          decided.some((doc) => doc._id === decidedKey(submission._id)) || state?.submissionId !== submission._id;
        if (!behind) continue;
        await this.finish(submission._id);
        finished.push(submission._id);
      }
    }
  }

  private async eraseDocuments(submission: KycSubmissionDoc): Promise<void> {
    for (const kind of KYC_DOCUMENTS) await this.vault.erase(submission.documents[kind]);
    await this.Submission.updateOne({ _id: submission._id }, { $set: { documentsDeletedAt: this.now() } }).exec();
  }

  /**
   * The person asks for their documents to be deleted: refused while under review or while a payout is in flight.
   * Returns how many submissions were cleared.
   */
  async deleteDocumentsOf(userId: string, channel: "tg" | "vb"): Promise<number> {
    const state = await this.state(userId);
    if (state.status === "submitted")
      throw new AppError("kyc_under_review", "documents under review cannot be deleted");
    if (await this.payoutInFlight(userId))
      throw new AppError("payout_in_flight", "documents cannot be deleted while a payout is in flight");
    const submissions = await this.Submission.find({ userId, documentsDeletedAt: null })
      .lean<KycSubmissionDoc[]>()
      .exec();
    for (const submission of submissions) await this.eraseDocuments(submission);
    await this.audit.record({
      actorId: userId,
      actorRole: "system",
      channel,
      action: "kyc.documents_deleted_on_request",
      target: userId,
      after: { submissions: submissions.map((submission) => submission._id) },
    });
    return submissions.length;
  }

  /** Deletes the documents of submissions decided more than `days` ago; the decisions stay. Returns the ids cleared. */
  async applyRetention(days: number): Promise<string[]> {
    const cutoff = new Date(this.now().getTime() - days * 86_400_000);
    const due = await this.Submission.find({ decidedAt: { $ne: null, $lte: cutoff }, documentsDeletedAt: null })
      .lean<KycSubmissionDoc[]>()
      .exec();
    for (const submission of due) {
      await this.eraseDocuments(submission);
      await this.audit.record({
        actorId: "system",
        actorRole: "system",
        channel: "system",
        action: "kyc.documents_deleted_retention",
        target: submission._id,
        after: { days },
      });
    }
    return due.map((submission) => submission._id);
  }
}
