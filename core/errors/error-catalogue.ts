/**
 * Every machine code the platform raises or answers with, defined once. A throw site names a code from here
 * (`new AppError("insufficient_funds", …)`), so the type system refuses an unknown or misspelt code; the kind, the
 * HTTP status and whether a retry may help follow from the entry.
 *
 * Kinds:
 * - `invalid_input`: the caller sent something wrong; answer precisely, change nothing.
 * - `unauthorized`: the request is not from who it claims (a bad webhook signature).
 * - `not_found`, `conflict`, `forbidden`: a precise refusal.
 * - `platform_refused`: an outside API answered "no" (e.g. blocked by user); do not retry.
 * - `transport_failed`: the network or the outside service failed; retry later.
 * - `retry_later`: we are busy / rate limited; retry after `retryAfterMs` when given.
 * - `unavailable`: a dependency or a setting is missing right now; retry once it is there.
 * - `internal`: a bug; log it, show nothing of it to a caller.
 *
 * `message` is the i18next key a person sees for this code where one key fits every place it is shown; flows that
 * word a refusal by context (deleting KYC documents vs submitting them) pick their own key.
 */
export type ErrorKind =
  | "invalid_input"
  | "not_found"
  | "conflict"
  | "forbidden"
  | "unauthorized"
  | "platform_refused"
  | "transport_failed"
  | "retry_later"
  | "unavailable"
  | "internal";

export interface ErrorSpec {
  kind: ErrorKind;
  /** Overrides the kind's HTTP status (e.g. 413 for a body that is too large). */
  status?: number;
  /** The user-facing text key, where one fits every place the code is shown. */
  message?: string;
}

export const KIND_STATUS: Record<ErrorKind, number> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  platform_refused: 502,
  transport_failed: 502,
  retry_later: 429,
  unavailable: 503,
  internal: 500,
};

export const ERROR_CATALOGUE = {
  // Requests and input
  bad_request: { kind: "invalid_input" },
  invalid_input: { kind: "invalid_input" },
  invalid_json: { kind: "invalid_input" },
  invalid_content_length: { kind: "invalid_input" },
  invalid_event: { kind: "invalid_input" },
  invalid_update: { kind: "invalid_input" },
  payload_too_large: { kind: "invalid_input", status: 413 },
  unsupported_media_type: { kind: "invalid_input", status: 415 },
  malformed_callback: { kind: "invalid_input" },
  /** Every webhook (Telegram secret token, Viber HMAC, each gateway's signature) answers a bad one with this code. */
  bad_signature: { kind: "unauthorized" },
  not_found: { kind: "not_found" },
  link_expired: { kind: "not_found" },
  config_invalid: { kind: "invalid_input" },
  services_missing: { kind: "invalid_input" },

  // Files
  bad_file_ref: { kind: "invalid_input" },
  bad_blob_key: { kind: "invalid_input" },
  file_too_large: { kind: "invalid_input" },
  file_expired: { kind: "not_found" },
  file_unreachable: { kind: "transport_failed" },
  file_download_failed: { kind: "transport_failed" },
  media_not_found: { kind: "not_found" },
  media_key_missing: { kind: "unavailable" },
  no_encryption_key: { kind: "unavailable" },

  // Catalog and referrals
  invalid_job_id: { kind: "invalid_input" },
  job_not_found: { kind: "not_found" },
  job_closed: { kind: "conflict", message: "referrals:refused.job_closed" },
  self_referral: { kind: "invalid_input", message: "referrals:refused.self_referral" },
  duplicate_candidate: { kind: "conflict", message: "referrals:refused.duplicate_candidate" },
  daily_limit: { kind: "retry_later", message: "referrals:refused.daily_limit" },
  referrer_not_found: { kind: "not_found" },
  referral_not_found: { kind: "not_found" },
  not_your_referral: { kind: "forbidden" },
  move_not_allowed: { kind: "conflict" },
  moved_meanwhile: { kind: "conflict" },
  reason_required: { kind: "invalid_input" },
  not_hired: { kind: "conflict" },

  // Wallet and payouts
  insufficient_funds: { kind: "conflict" },
  ledger_contended: { kind: "retry_later" },
  ledger_unbalanced: { kind: "internal" },
  bad_amount: { kind: "invalid_input" },
  below_minimum: { kind: "invalid_input" },
  above_request_cap: { kind: "invalid_input" },
  above_daily_cap: { kind: "invalid_input" },
  bad_nonce: { kind: "invalid_input" },
  bad_transaction_id: { kind: "invalid_input", message: "payouts:finance.bad_transaction_id" },
  kyc_required: { kind: "forbidden" },
  role_required: { kind: "forbidden" },
  payouts_paused: { kind: "conflict" },
  payout_not_found: { kind: "not_found", message: "payouts:finance.payout_not_found" },
  payout_not_approved: { kind: "conflict", message: "payouts:finance.payout_not_approved" },
  payout_already_decided: { kind: "conflict", message: "payouts:finance.payout_already_decided" },
  payout_in_flight: { kind: "conflict" },

  // KYC
  kyc_not_found: { kind: "not_found" },
  kyc_documents_not_ready: { kind: "invalid_input" },
  kyc_already_submitted: { kind: "conflict", message: "kyc:kyc_already_submitted" },
  kyc_already_approved: { kind: "conflict", message: "kyc:kyc_already_approved" },
  kyc_already_decided: { kind: "conflict" },
  kyc_under_review: { kind: "conflict" },

  // Employer invoices and gateways
  unknown_order: { kind: "not_found" },
  wrong_gateway: { kind: "conflict" },
  amount_mismatch: { kind: "conflict" },
  not_confirmed: { kind: "unavailable" },
  gateway_not_configured: { kind: "unavailable" },
  gateway_unreachable: { kind: "transport_failed" },
  gateway_bad_response: { kind: "transport_failed" },
  precreate_failed: { kind: "platform_refused" },
  create_payment_failed: { kind: "platform_refused" },

  // Channels and conversations
  recipient_blocked: { kind: "platform_refused" },
  rate_limited: { kind: "retry_later" },
  chat_busy: { kind: "retry_later" },
  conversation_conflict: { kind: "conflict" },
  telegram_off: { kind: "unavailable" },
  telegram_refused: { kind: "platform_refused" },
  telegram_unreachable: { kind: "transport_failed" },
  telegram_unavailable: { kind: "transport_failed" },
  telegram_send_failed: { kind: "internal" },
  viber_refused: { kind: "platform_refused" },
  viber_unreachable: { kind: "transport_failed" },
  viber_unavailable: { kind: "transport_failed" },
  viber_bad_response: { kind: "transport_failed" },
  no_sender: { kind: "unavailable" },
  send_uncertain: { kind: "transport_failed" },

  // Privacy
  account_has_money: { kind: "conflict" },

  // Support desk
  ticket_not_found: { kind: "not_found" },
  ticket_not_yours: { kind: "conflict" },
  ticket_closed: { kind: "conflict" },

  // Object storage (files and backups in an S3-compatible bucket)
  storage_unavailable: { kind: "transport_failed" },
  storage_not_found: { kind: "not_found" },

  // Backups
  backup_failed: { kind: "unavailable" },
  backup_unreadable: { kind: "invalid_input" },
  backup_key_missing: { kind: "invalid_input" },
  backup_not_found: { kind: "not_found" },
  restore_not_empty: { kind: "conflict" },
  restore_mismatch: { kind: "internal" },

  // The platform itself
  dependency_unavailable: { kind: "unavailable" },
  mongo_not_connected: { kind: "unavailable" },
  local_service_failed: { kind: "unavailable" },
  id_space_exhausted: { kind: "internal" },
  broken_identity: { kind: "internal" },
  unknown_queue: { kind: "internal" },
  engine_misconfigured: { kind: "internal" },
  event_handler_failed: { kind: "internal" },
  internal_error: { kind: "internal" },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export const errorSpec = (code: ErrorCode): ErrorSpec => ERROR_CATALOGUE[code];

/** The HTTP status an API caller gets for a code. */
export const httpStatusOf = (code: ErrorCode): number => {
  const spec = errorSpec(code);
  return spec.status ?? KIND_STATUS[spec.kind];
};
