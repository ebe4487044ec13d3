/** A referral's life: submitted → screening → interview → offered → hired, or rejected / withdrawn. */
export const REFERRAL_STATUSES = [
  "submitted",
  "screening",
  "interview",
  "offered",
  "hired",
  "rejected",
  "withdrawn",
] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

/**
 * Who may make a move: recruiters run the pipeline; the one who submitted it may only withdraw, before screening (the
 * referrer for a referral, the applicant for an application made through a shared link).
 */
export type MoveActor = "recruiter" | "referrer" | "candidate";

const RECRUITER_MOVES: Record<ReferralStatus, readonly ReferralStatus[]> = {
  submitted: ["screening", "rejected"],
  screening: ["interview", "rejected"],
  interview: ["offered", "rejected"],
  offered: ["hired", "rejected"],
  hired: [],
  rejected: [],
  withdrawn: [],
};

const REFERRER_MOVES: Record<ReferralStatus, readonly ReferralStatus[]> = {
  submitted: ["withdrawn"],
  screening: [],
  interview: [],
  offered: [],
  hired: [],
  rejected: [],
  withdrawn: [],
};

export function allowedMoves(from: ReferralStatus, actor: MoveActor): readonly ReferralStatus[] {
  return (actor === "recruiter" ? RECRUITER_MOVES : REFERRER_MOVES)[from];
}

export const isFinal = (status: ReferralStatus): boolean =>
  status === "hired" || status === "rejected" || status === "withdrawn";

/** Rejected and withdrawn referrals free the candidate for another referral to the same job. */
export const holdsCandidate = (status: ReferralStatus): boolean => status !== "rejected" && status !== "withdrawn";

export const REJECT_REASONS = [
  "not_qualified",
  "position_filled",
  "no_response",
  "candidate_declined",
  "other",
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export const RELATIONSHIPS = ["friend", "family", "colleague", "classmate", "other"] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];
