import { Schema, type Connection, type Model } from "mongoose";

export const PAYOUT_PROVIDERS = ["kbzpay", "wavepay", "ayapay"] as const;
export type PayoutProvider = (typeof PAYOUT_PROVIDERS)[number];

export const PAYOUT_REJECT_REASONS = ["kyc_mismatch", "wallet_invalid", "suspicious", "other"] as const;
export type PayoutRejectReason = (typeof PAYOUT_REJECT_REASONS)[number];

export interface PayoutDoc {
  /** `P` + the request's nonce: a repeated confirm of one request finds the same payout. */
  _id: string;
  userId: string;
  amount: number;
  provider: PayoutProvider;
  /** E.164 (`+959…`). */
  walletPhone: string;
  /** `holding` only between the record and the hold (a crash there is completed by the repeat). */
  status: "holding" | "requested" | "approved" | "paid" | "rejected" | "failed";
  requestedAt: Date;
  decidedAt: Date | null;
  decidedBy: string | null;
  reason: string | null;
  providerTxnId: string | null;
  paidAt: Date | null;
}

/** The person's last wallet, offered next time. */
export interface PayoutPrefsDoc {
  _id: string;
  provider: PayoutProvider;
  walletPhone: string;
}

/** The circuit breaker: one document, `_id` `payouts`. */
export interface PayoutBreakerDoc {
  _id: string;
  paused: boolean;
  reason: string | null;
  at: Date;
}

const payoutSchema = new Schema<PayoutDoc>(
  {
    _id: String,
    userId: { type: String, required: true },
    amount: { type: Number, required: true },
    provider: { type: String, required: true },
    walletPhone: { type: String, required: true },
    status: { type: String, required: true },
    requestedAt: { type: Date, required: true },
    decidedAt: { type: Date, default: null },
    decidedBy: { type: String, default: null },
    reason: { type: String, default: null },
    providerTxnId: { type: String, default: null },
    paidAt: { type: Date, default: null },
  },
  { versionKey: false, collection: "payouts" },
);
payoutSchema.index({ status: 1, requestedAt: 1 });
payoutSchema.index({ userId: 1, requestedAt: -1 });

const prefsSchema = new Schema<PayoutPrefsDoc>(
  { _id: String, provider: { type: String, required: true }, walletPhone: { type: String, required: true } },
  { versionKey: false, collection: "payout_prefs" },
);
const breakerSchema = new Schema<PayoutBreakerDoc>(
  {
    _id: String,
    paused: { type: Boolean, required: true },
    reason: { type: String, default: null },
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: "payout_breaker" },
);

export function payoutModels(connection: Connection) {
  return {
    Payout:
      (connection.models.Payout as Model<PayoutDoc> | undefined) ?? connection.model<PayoutDoc>("Payout", payoutSchema),
    Prefs:
      (connection.models.PayoutPrefs as Model<PayoutPrefsDoc> | undefined) ??
      connection.model<PayoutPrefsDoc>("PayoutPrefs", prefsSchema),
    Breaker:
      (connection.models.PayoutBreaker as Model<PayoutBreakerDoc> | undefined) ??
      connection.model<PayoutBreakerDoc>("PayoutBreaker", breakerSchema),
  };
}
