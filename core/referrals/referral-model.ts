import { Schema, type Connection, type Model } from "mongoose";
import type { Relationship, ReferralStatus, RejectReason } from "./pipeline.ts";

export interface ReferralMove {
  from: ReferralStatus;
  to: ReferralStatus;
  /** Public id of whoever moved it. */
  by: string;
  at: Date;
  reason: RejectReason | null;
}

export interface ReferralDoc {
  /** The reference number people quote: `R` + 7 characters. */
  _id: string;
  jobId: string;
  referrerId: string;
  /**
   * `submitted`: the referrer entered the candidate; `link`: the candidate applied through the referrer's shared link.
   */
  source: "submitted" | "link";
  candidate: { name: string; phone: string };
  /** The candidate's own account, when they applied through a link (they are told about changes too). */
  candidateUserId: string | null;
  relationship: Relationship | null;
  consentAt: Date;
  cvMediaId: string | null;
  /** The job's bonus when the referral was made: what the referrer was promised. */
  bonus: number;
  status: ReferralStatus;
  history: ReferralMove[];
  createdAt: Date;
  updatedAt: Date;
  hiredAt: Date | null;
}

const referralSchema = new Schema<ReferralDoc>(
  {
    _id: String,
    jobId: { type: String, required: true },
    referrerId: { type: String, required: true },
    source: { type: String, required: true },
    candidate: { name: { type: String, required: true }, phone: { type: String, required: true } },
    candidateUserId: { type: String, default: null },
    relationship: { type: String, default: null },
    consentAt: { type: Date, required: true },
    cvMediaId: { type: String, default: null },
    bonus: { type: Number, required: true },
    status: { type: String, required: true },
    history: [{ _id: false, from: String, to: String, by: String, at: Date, reason: { type: String, default: null } }],
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    hiredAt: { type: Date, default: null },
  },
  { versionKey: false, collection: "referrals" },
);
referralSchema.index({ referrerId: 1, createdAt: -1 });
referralSchema.index({ jobId: 1, status: 1, createdAt: -1 });
referralSchema.index({ hiredAt: 1 });

/** One active referral per candidate phone and job: `_id` `<jobId>:<phone>`, first insert wins. */
export interface CandidateClaimDoc {
  _id: string;
  referralId: string;
  at: Date;
}

const claimSchema = new Schema<CandidateClaimDoc>(
  { _id: String, referralId: { type: String, required: true }, at: { type: Date, required: true } },
  { versionKey: false, collection: "referral_claims" },
);

export function referralModels(connection: Connection) {
  return {
    Referral:
      (connection.models.Referral as Model<ReferralDoc> | undefined) ??
      connection.model<ReferralDoc>("Referral", referralSchema),
    Claim:
      (connection.models.ReferralClaim as Model<CandidateClaimDoc> | undefined) ??
      connection.model<CandidateClaimDoc>("ReferralClaim", claimSchema),
  };
}
