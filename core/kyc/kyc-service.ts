import type { Connection, Model } from "mongoose";
import type { AuditLog } from "../admin/audit-log.ts";
import { decideOnce } from "../decisions/decision-store.ts";
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
    const id = `K${randomId(9)}`;
    if (!(await decideOnce(this.connection, `kyc:${userId}:submission:${attempt}`, { id }, this.now()))) {
      throw new AppError("kyc_already_submitted", "a submission is already waiting for review");
    }
    const submission: KycSubmissionDoc = {
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
    await this.Submission.create(submission);
    await this.Holder.updateOne(
      { _id: submission.nrcKey },
      { $addToSet: { userIds: userId } },
      { upsert: true },
    ).exec();
    await this.State.updateOne(
      { _id: userId },
      { $set: { status: "submitted", submissionId: id, attempts: attempt, updatedAt: this.now() } },
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
    if (
      submission.status !== "submitted" ||
      !(await decideOnce(this.connection, `kyc:${submissionId}:decided`, { by: reviewer.userId, outcome }, this.now()))
    ) {
      throw new AppError("kyc_already_decided", `submission ${submissionId} was already decided`);
    }
    const decided: KycSubmissionDoc = {
      ...submission,
      status: outcome,
      decidedAt: this.now(),
      decidedBy: reviewer.userId,
      reason: outcome === "rejected" ? reason : null,
      reasonText: outcome === "rejected" ? reasonText : null,
    };
    await this.Submission.updateOne(
      { _id: submissionId },
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
    await this.State.updateOne(
      { _id: submission.userId },
      { $set: { status: outcome, submissionId, updatedAt: this.now() } },
    ).exec();
    await this.audit.record({
      actorId: reviewer.userId,
      actorRole: reviewer.role,
      channel: reviewer.channel,
      action: `kyc.${outcome === "approved" ? "approve" : "reject"}`,
      target: submissionId,
      before: { status: "submitted" },
      after: { status: outcome, reason: decided.reason },
    });
    await this.events.emit("kyc.decided", { submission: decided });
    return decided;
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
