import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { Config } from "../../core/config/load-config.ts";
import type { InvoiceService } from "../../core/payments/invoice-service.ts";
import { SandboxStatusQuery } from "../../core/payments/status-query.ts";
import { errorBody } from "../plugins/error-shape.ts";
import { escapeHtml } from "../plugins/html.ts";
import { bilingual, type Translator } from "../../core/i18n/translator.ts";
import { signedCallback } from "./signed-callbacks.ts";
import { formatKyat } from "../../core/values/money.ts";

const params = z.object({ invoice: z.string().regex(/^INV[A-Z0-9]{8}$/) });
const outcomeParams = params.extend({ outcome: z.enum(["pay", "fail"]) });

function page(title: string, body: string): string {
  return [
    `<!doctype html><html lang="my"><head><meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>\n`,
    `<style>body{font-family:system-ui,"Noto Sans Myanmar",sans-serif;max-width:28rem;margin:2rem auto;`,
    `padding:0 1rem}button{font-size:1rem;padding:.6rem 1.2rem;margin:.3rem}</style></head>`,
    `<body>${body}</body></html>`,
  ].join("");
}

/**
 * The sandbox payment gateway (local mode): `/sandbox/pay/<invoice>` shows the
 * invoice with Pay and Fail; each sends the invoice's gateway callback, signed
 * with that gateway's real algorithm, to our own webhook, so a demo goes
 * through the real verification path. Paying also answers the status query.
 */
export function sandboxGatewayRoutes(
  invoices: InvoiceService,
  redis: Redis,
  prefix: string,
  gateways: Config["gateways"],
  translator: Translator,
) {
  const say = (key: string) => escapeHtml(bilingual(translator, `pay:${key}`));
  return async (app: FastifyInstance): Promise<void> => {
    // The page's buttons are plain form posts with no fields.
    app.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string", bodyLimit: 1024 },
      (_request, body, done) => done(null, body),
    );
    app.get("/sandbox/pay/:invoice", async (request, reply) => {
      const parsed = params.safeParse(request.params);
      const invoice = parsed.success ? await invoices.find(parsed.data.invoice) : null;
      if (invoice === null) return reply.code(404).send(errorBody("not_found", "No such invoice"));
      const status = invoice.status === "paid" ? `<p><strong>${say("paid")} ✅</strong></p>` : "";
      const buttons =
        invoice.status === "paid"
          ? ""
          : `<form method="post" action="/sandbox/pay/${invoice._id}` +
            `/pay"><button data-testid="pay">${say("pay")}</button></form><form ` +
            `method="post" action="/sandbox/pay/${invoice._id}` +
            `/fail"><button data-testid="fail">${say("fail")}</button></form>`;
      return reply
        .type("text/html; charset=utf-8")
        .send(
          page(
            `Sandbox ${invoice.gateway}`,
            `<h1>Sandbox ${escapeHtml(invoice.gateway)}` +
              `</h1><p>${escapeHtml(translator.t("en")("pay:invoice"))} ${escapeHtml(invoice._id)} · ` +
              `${escapeHtml(translator.t("my")("pay:invoice"))}<br>${escapeHtml(formatKyat(invoice.amount, "en"))}` +
              ` · ${escapeHtml(formatKyat(invoice.amount, "my"))}</p>${status}${buttons}`,
          ),
        );
    });

    app.post("/sandbox/pay/:invoice/:outcome", async (request, reply) => {
      const parsed = outcomeParams.safeParse(request.params);
      const invoice = parsed.success ? await invoices.find(parsed.data.invoice) : null;
      if (!parsed.success || invoice === null) return reply.code(404).send(errorBody("not_found", "No such invoice"));
      const outcome = parsed.data.outcome === "pay" ? "paid" : "failed";
      if (outcome === "paid")
        await redis.set(SandboxStatusQuery.key(prefix, invoice._id), `paid:${invoice.amount}`, "EX", 7 * 86_400);
      const callback = await app.inject({
        method: "POST",
        url: `/webhooks/${invoice.gateway}`,
        headers: { "content-type": "application/json" },
        payload: signedCallback(invoice.gateway, invoice, outcome, gateways),
      });
      const ok = callback.statusCode === 200;
      const refused = `${say("refused")}: ${escapeHtml(callback.body)}`;
      return reply
        .code(ok ? 200 : 502)
        .type("text/html; charset=utf-8")
        .send(
          page(
            "Sandbox gateway",
            `<p>${ok ? (outcome === "paid" ? `${say("paid")} ✅` : say("failed")) : refused}` +
              `</p><p><a href="/sandbox/pay/${invoice._id}">${say("back")}</a></p>`,
          ),
        );
    });
  };
}
