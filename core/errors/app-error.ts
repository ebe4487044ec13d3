import { errorSpec, httpStatusOf, type ErrorCode, type ErrorKind } from "./error-catalogue.ts";

export type { ErrorCode, ErrorKind } from "./error-catalogue.ts";

export interface AppErrorOptions {
  cause?: unknown;
  /** Extra machine-readable detail, safe to show to an API caller. */
  details?: Record<string, unknown>;
  retryAfterMs?: number;
}

/**
 * An error we raise on purpose. Its code comes from the catalogue (`error-catalogue.ts`), which fixes its kind, its
 * HTTP status and whether a retry may help; the message is for logs and API callers, never shown to a person.
 */
export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.kind = errorSpec(code).kind;
    this.details = options.details;
    this.retryAfterMs = options.retryAfterMs;
  }

  get httpStatus(): number {
    return httpStatusOf(this.code);
  }

  /** Whether doing the same thing again later may succeed. */
  get retryable(): boolean {
    return this.kind === "transport_failed" || this.kind === "retry_later" || this.kind === "unavailable";
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
