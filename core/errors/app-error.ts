/**
 * The typed error catalogue. Every error we raise on purpose carries a machine
 * code and a class that tells callers what to do with it:
 * - `invalid_input`: the caller sent something wrong; answer precisely, change nothing.
 * - `not_found`, `conflict`, `forbidden`: a precise refusal.
 * - `platform_refused`: an outside API answered "no" (e.g. blocked by user); do not retry.
 * - `transport_failed`: the network or the outside service failed; retry later.
 * - `retry_later`: we are busy / rate limited; retry after `retryAfterMs` when given.
 * - `internal`: a bug; log it, show nothing of it to a caller.
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

const HTTP_STATUS: Record<ErrorKind, number> = {
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

export interface AppErrorOptions {
  cause?: unknown;
  /** Extra machine-readable detail, safe to show to an API caller. */
  details?: Record<string, unknown>;
  retryAfterMs?: number;
}

export class AppError extends Error {
  readonly kind: ErrorKind;
  /** Stable machine code, e.g. `config_invalid`, `redis_unavailable`. */
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(kind: ErrorKind, code: string, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.kind = kind;
    this.code = code;
    this.details = options.details;
    this.retryAfterMs = options.retryAfterMs;
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.kind];
  }

  /** Whether doing the same thing again later may succeed. */
  get retryable(): boolean {
    return this.kind === "transport_failed" || this.kind === "retry_later" || this.kind === "unavailable";
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
