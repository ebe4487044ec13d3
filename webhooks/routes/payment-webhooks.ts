import type { FastifyInstance } from "fastify";
import type { Histogram } from "prom-client";
import { isAppError } from "../../core/errors/app-error.ts";
import { ACK, type CallbackIntake } from "../../core/payments/callback-intake.ts";
import { GATEWAYS } from "../../core/payments/invoice-service.ts";
import { errorBody } from "../plugins/error-shape.ts";

/**
 * `POST /webhooks/kbzpay`, `/webhooks/wavepay`, `/webhooks/ayapay`: the raw
 * bytes are kept (signatures cover the text as sent); a form body (AYA's
 * browser-style posts) is read into the same object. Taken callbacks get the
 * body the gateway expects; refusals get a precise status and code.
 */
export function paymentWebhookRoutes(intake: CallbackIntake, duration?: Histogram<"gateway" | "result">) {
  return async (app: FastifyInstance): Promise<void> => {
    app.removeContentTypeParser(["application/json", "application/x-www-form-urlencoded"]);
    app.addContentTypeParser(
      ["application/json", "application/x-www-form-urlencoded"],
      { parseAs: "string", bodyLimit: 64 * 1024 },
      (request, body, done) => {
        const text = typeof body === "string" ? body : body.toString("utf8");
        done(
          null,
          (request.headers["content-type"] ?? "").includes("urlencoded")
            ? JSON.stringify(Object.fromEntries(new URLSearchParams(text)))
            : text,
        );
      },
    );
    for (const gateway of GATEWAYS) {
      app.post(`/webhooks/${gateway}`, async (request, reply) => {
        if (typeof request.body !== "string" || request.body === "")
          return reply.code(400).send(errorBody("malformed_callback", "An empty or unreadable body"));
        const end = duration?.startTimer({ gateway });
        try {
          await intake.handle(gateway, request.body);
          end?.({ result: "taken" });
          return reply.code(200).type("text/plain").send(ACK[gateway]);
        } catch (error) {
          end?.({ result: isAppError(error) ? "refused" : "error" });
          if (!isAppError(error)) throw error;
          request.log.warn({ gateway, code: error.code }, "gateway callback refused");
          if (error.retryAfterMs !== undefined) void reply.header("retry-after", Math.ceil(error.retryAfterMs / 1000));
          return reply.code(error.httpStatus).send(errorBody(error.code, error.message, error.details));
        }
      });
    }
  };
}
