import type { JobDoc } from "../catalog/catalog-models.ts";
import type { KycSubmissionDoc } from "../kyc/kyc-models.ts";
import type { InvoiceDoc } from "../payments/invoice-service.ts";
import type { PayoutDoc } from "../payouts/payout-models.ts";
import type { ReferralDoc, ReferralMove } from "../referrals/referral-model.ts";
import type { RewardDoc } from "../referrals/reward-service.ts";
import type { TicketDoc } from "../support/ticket-models.ts";

/**
 * What the domain announces, by name, with what subscribers receive. Each is emitted once its deciding write is
 * done (the move recorded, the invoice marked paid), so a subscriber reads a state that holds.
 */
export interface DomainEvents {
  /** Someone's first contact created their account. */
  "user.registered": { userId: string; channel: "tg" | "vb" };
  /** A job was published (new, or reopened); alerts fan out. */
  "job.published": { job: JobDoc };
  /** A referral or an application through a shared link was recorded. */
  "referral.submitted": { referral: ReferralDoc };
  /** A referral changed status (any move, hired included). */
  "referral.moved": { referral: ReferralDoc; move: ReferralMove };
  /** A referral reached "hired"; emitted before `referral.moved` for the same move. */
  "referral.hired": { referral: ReferralDoc; move: ReferralMove };
  /** A reward was credited as pending (the referrer's bonus, each inviter's commission). */
  "reward.credited": { reward: RewardDoc };
  /** A pending reward became available. */
  "reward.released": { reward: RewardDoc };
  /** An employer invoice was created for a hire. */
  "invoice.created": { invoice: InvoiceDoc };
  /** A KBZPay QR (MMQR) was issued for an invoice. */
  "invoice.qr_issued": { invoiceId: string; qr: string };
  /** A gateway reported a failed payment attempt for an unpaid invoice (it stays open). */
  "invoice.payment_failed": { invoice: InvoiceDoc; gatewayStatus: string };
  /** An invoice was settled (once, whatever the number of callbacks). */
  "invoice.paid": { invoice: InvoiceDoc };
  /** A person asked for a payout; its money is held. */
  "payout.requested": { payout: PayoutDoc };
  /** Finance approved a payout (it goes to the provider next). */
  "payout.approved": { payout: PayoutDoc };
  /** A payout was paid out. */
  "payout.paid": { payout: PayoutDoc };
  /** A payout was rejected or failed; its money went back to the person. */
  "payout.returned": { payout: PayoutDoc };
  /** A circuit breaker paused all payouts. */
  "payouts.paused": { reason: string };
  /** A person submitted their identity documents for review. */
  "kyc.submitted": { submission: KycSubmissionDoc };
  /** A support ticket was opened. */
  "ticket.opened": { ticket: TicketDoc };
  /** A support ticket was resolved (each resolution, reopened tickets included). */
  "ticket.resolved": { ticket: TicketDoc };
  /** A KYC submission was approved or rejected. */
  "kyc.decided": { submission: KycSubmissionDoc };
}

export type EventName = keyof DomainEvents;
