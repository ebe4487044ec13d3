import type { FastifyError, FastifyInstance } from "fastify";
import { ZodError } from "zod";
import { isAppError, type ErrorCode } from "../../core/errors/app-error.ts";

/** The one error body every route answers with. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

export const errorBody = (code: ErrorCode, message: string, details?: Record<string, unknown>): ErrorBody => ({
  error: details === undefined ? { code, message } : { code, message, details },
});

/** Fastify's own error codes mapped to ours; messages are ours too, never Fastify's internals. */
const FASTIFY_CODES: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: "payload_too_large", message: "The request body is too large" },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: "unsupported_media_type", message: "This content type is not accepted" },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: "invalid_json", message: "The JSON body is empty" },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: "invalid_json", message: "The body is not valid JSON" },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: "invalid_content_length",
    message: "Content-Length does not match the body",
  },
  FST_ERR_VALIDATION: { code: "invalid_input", message: "The request is not valid" },
};

/** Seconds a caller (Telegram, Viber, a gateway) is asked to wait while the database or Redis is down. */
const OUTAGE_RETRY_SECONDS = 5;

/**
 * Which dependency an error says is down: Redis (ioredis refuses a command when the connection is gone) or the
 * database (the driver cannot reach a server). Such a request was not handled and can be sent again, so it is
 * answered 503 with `Retry-After` rather than a 500.
 */
export function dependencyOutage(error: unknown): "redis" | "mongodb" | undefined {
  if (!(error instanceof Error)) return undefined;
  const name = error.name;
  if (
    name === "MaxRetriesPerRequestError" ||
    /Connection is closed|Stream isn't writeable|enableOfflineQueue/.test(error.message)
  )
    return "redis";
  if (
    /^Mongo(ose)?(Network|ServerSelection|NotConnected|Topology)/.test(name) ||
    /Client must be connected/.test(error.message)
  )
    return "mongodb";
  return undefined;
}

/**
 * Installs the error and not-found handlers: one `{ error: { code, message } }`
 * shape with machine codes; 5xx are logged with their stack and answered
 * without any detail.
 */
export function installErrorShape(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send(errorBody("not_found", `No route for ${request.method} ${request.url.split("?")[0] ?? ""}`));
  });

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof ZodError) {
      const issues = error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
      return reply.code(400).send(errorBody("invalid_input", "The request is not valid", { issues }));
    }
    if (isAppError(error)) {
      if (error.httpStatus >= 500) request.log.error({ err: error }, "request failed");
      if (error.retryAfterMs !== undefined) void reply.header("retry-after", Math.ceil(error.retryAfterMs / 1000));
      return reply.code(error.httpStatus).send(errorBody(error.code, error.message, error.details));
    }
    const outage = dependencyOutage(error);
    if (outage !== undefined) {
      request.log.warn({ err: error, dependency: outage }, "a dependency is down; asking the caller to retry");
      void reply.header("retry-after", OUTAGE_RETRY_SECONDS);
      return reply
        .code(503)
        .send(
          errorBody("dependency_unavailable", `${outage} is not answering; try again shortly`, { failed: [outage] }),
        );
    }
    const fastifyError = error as FastifyError;
    const known = fastifyError.code === undefined ? undefined : FASTIFY_CODES[fastifyError.code];
    const status = fastifyError.statusCode ?? 500;
    if (known !== undefined)
      return reply.code(status >= 400 && status < 500 ? status : 400).send(errorBody(known.code, known.message));
    if (status >= 400 && status < 500) {
      return reply.code(status).send(errorBody("bad_request", "The request could not be understood"));
    }
    request.log.error({ err: error }, "unhandled error");
    return reply.code(500).send(errorBody("internal_error", "Something went wrong on our side"));
  });
}
