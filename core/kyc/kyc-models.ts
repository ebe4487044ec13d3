import { Schema, type Connection, type Model } from "mongoose";
import type { NrcType } from "../myanmar/nrc.ts";

export const KYC_DOCUMENTS = ["front", "back", "selfie"] as const;
export type KycDocument = (typeof KYC_DOCUMENTS)[number];

export const KYC_REJECT_REASONS = ["blurry", "mismatch", "invalid_card", "selfie_missing", "other"] as const;
export type KycRejectReason = (typeof KYC_REJECT_REASONS)[number];

export interface KycSubmissionDoc {
  /** `K` + 9 characters. */
  _id: string;
  userId: string;
  status: "submitted" | "approved" | "rejected";
  nrc: { state: number; township: string; type: NrcType; number: string; burmese: string };
  nrcKey: string;
  fullName: string;
  /** `YYYY-MM-DD`. */
  dateOfBirth: string;
  documents: Record<KycDocument, string>;
  submittedAt: Date;
  decidedAt: Date | null;
  decidedBy: string | null;
  reason: KycRejectReason | null;
  reasonText: string | null;
  /** When the documents were deleted (retention or the person's request); the decision stays. */
  documentsDeletedAt: Date | null;
}

/** A person's KYC standing, read by `_id` (the user id). */
export interface KycStateDoc {
  _id: string;
  status: "none" | "submitted" | "approved" | "rejected";
  submissionId: string | null;
  /** Submissions made so far: the next one is decided once under `kyc:<user>:submission:<attempts + 1>`. */
  attempts: number;
  updatedAt: Date;
}

/** Which accounts used one NRC (`_id` is the NRC key): the "same NRC on another account" flag. */
export interface NrcHolderDoc {
  _id: string;
  userIds: string[];
}

const submissionSchema = new Schema<KycSubmissionDoc>(
  {
    _id: String,
    userId: { type: String, required: true },
    status: { type: String, required: true },
    nrc: { state: Number, township: String, type: { type: String }, number: String, burmese: String },
    nrcKey: { type: String, required: true },
    fullName: { type: String, required: true },
    dateOfBirth: { type: String, required: true },
    documents: { front: String, back: String, selfie: String },
    submittedAt: { type: Date, required: true },
    decidedAt: { type: Date, default: null },
    decidedBy: { type: String, default: null },
    reason: { type: String, default: null },
    reasonText: { type: String, default: null },
    documentsDeletedAt: { type: Date, default: null },
  },
  { versionKey: false, collection: "kyc_submissions" },
);
submissionSchema.index({ status: 1, submittedAt: 1 });
submissionSchema.index({ decidedAt: 1 });

const stateSchema = new Schema<KycStateDoc>(
  {
    _id: String,
    status: { type: String, required: true },
    submissionId: { type: String, default: null },
    attempts: { type: Number, default: 0 },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: "kyc_states" },
);
const holderSchema = new Schema<NrcHolderDoc>(
  { _id: String, userIds: { type: [String], default: [] } },
  { versionKey: false, collection: "kyc_nrc_holders" },
);

export function kycModels(connection: Connection) {
  return {
    Submission:
      (connection.models.KycSubmission as Model<KycSubmissionDoc> | undefined) ??
      connection.model<KycSubmissionDoc>("KycSubmission", submissionSchema),
    State:
      (connection.models.KycState as Model<KycStateDoc> | undefined) ??
      connection.model<KycStateDoc>("KycState", stateSchema),
    Holder:
      (connection.models.NrcHolder as Model<NrcHolderDoc> | undefined) ??
      connection.model<NrcHolderDoc>("NrcHolder", holderSchema),
  };
}
