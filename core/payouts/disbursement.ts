import type { PayoutDoc } from "./payout-models.ts";

/** What a disbursement provider did with an approved payout. */
export type DisbursementResult =
  /** Paid now; the provider's transaction id settles it. */
  | { kind: "paid"; providerTxnId: string }
  /**
   * A person pays it outside (the wallet's business app, a bulk-transfer portal) and records the transaction id later.
   */
  | { kind: "manual" };

/**
 * The port approved payouts go through. None of KBZPay, WavePay or AYA Pay
 * publishes a payout API (payments.md §1.9, §2.5, §3C); an automated provider
 * implements this once a bank contract provides one.
 */
export interface DisbursementProvider {
  readonly name: string;
  disburse(payout: PayoutDoc): Promise<DisbursementResult>;
}

/** Finance pays from the provider's business app and records its transaction id (`/payouts` → Mark paid). */
export const manualDisbursement: DisbursementProvider = { name: "manual", disburse: async () => ({ kind: "manual" }) };

/** Local mode: paid at once with a sandbox reference. */
export const sandboxDisbursement: DisbursementProvider = {
  name: "sandbox",
  disburse: async (payout) => ({ kind: "paid", providerTxnId: `SBX-${payout._id.slice(1, 9)}` }),
};

export const disbursementProvider = (name: "manual" | "sandbox"): DisbursementProvider =>
  name === "sandbox" ? sandboxDisbursement : manualDisbursement;
