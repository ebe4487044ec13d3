import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import QRCode from "qrcode";
import { z } from "zod";
import type { Config } from "../../core/config/load-config.ts";
import type { InvoiceService } from "../../core/payments/invoice-service.ts";
import { ayaChecksum } from "../../core/payments/signatures/ayapay-signature.ts";
import { errorBody } from "../plugins/error-shape.ts";
import { escapeHtml } from "../plugins/html.ts";
import { bilingual, type Translator } from "../../core/i18n/translator.ts";

const params = z.object({ invoice: z.string().regex(/^INV[A-Z0-9]{8}$/) });

/**
 * `GET /pay/ayapay/<invoice>`: AYA's hosted checkout is a browser form post
 * (payments.md §3B), so the employer's link opens this page, which posts the
 * 14 fields and their checksum to AYA at once (a button if scripts are off).
 */
export function payPageRoutes(
  invoices: InvoiceService,
  gateways: Config["gateways"],
  publicUrl: string | undefined,
  translator: Translator,
) {
  const say = (key: string) => escapeHtml(bilingual(translator, `pay:${key}`));
  return async (app: FastifyInstance): Promise<void> => {
    // KBZPay by QR: the invoice's MMQR string as a QR image, and a page that shows it.
    app.get("/pay/kbzpay/:invoice", async (request, reply) => {
      const parsed = params.safeParse(request.params);
      const invoice = parsed.success ? await invoices.find(parsed.data.invoice) : null;
      if (invoice?.kbzQr == null) return reply.code(404).send(errorBody("not_found", "No QR for this invoice"));
      const status =
        invoice.status === "paid"
          ? `<p>${say("paid")} ✅</p>`
          : `<img alt="MMQR" width="320" height="320" src="/pay/kbzpay/${invoice._id}/qr.png"><p>${say("scan_qr")}</p>`;
      return reply
        .type("text/html; charset=utf-8")
        .header("cache-control", "no-store")
        .send(
          `<!doctype html><meta charset=utf-8><meta name="viewport" content="width=device-width, ` +
            `initial-scale=1"><title>KBZPay</title><h1>${escapeHtml(invoice._id)}</h1>${status}`,
        );
    });
    app.get("/pay/kbzpay/:invoice/qr.png", async (request, reply) => {
      const parsed = params.safeParse(request.params);
      const invoice = parsed.success ? await invoices.find(parsed.data.invoice) : null;
      if (invoice?.kbzQr == null) return reply.code(404).send(errorBody("not_found", "No QR for this invoice"));
      return reply
        .type("image/png")
        .header("cache-control", "no-store")
        .send(await QRCode.toBuffer(invoice.kbzQr, { errorCorrectionLevel: "M", width: 480, margin: 2 }));
    });

    app.get("/pay/ayapay/:invoice", async (request, reply) => {
      const parsed = params.safeParse(request.params);
      const invoice = parsed.success ? await invoices.find(parsed.data.invoice) : null;
      if (invoice === null || invoice.gateway !== "ayapay")
        return reply.code(404).send(errorBody("not_found", "No such invoice"));
      if (invoice.status === "paid")
        return reply
          .type("text/html; charset=utf-8")
          .send(`<!doctype html><meta charset=utf-8><p>${say("paid")} ✅</p>`);
      const { apiRoot, appKey, appSecret } = gateways.ayapay;
      if (appKey === undefined || appSecret === undefined)
        return reply.code(503).send(errorBody("gateway_not_configured", "AYA Pay is not configured"));
      const fields: Array<[string, string]> = [
        ["merchOrderId", invoice._id],
        ["amount", String(invoice.amount)],
        ["appKey", appKey],
        ["timestamp", String(Math.floor(Date.now() / 1000))],
        ["userRef1", invoice.referralId],
        ["userRef2", ""],
        ["userRef3", ""],
        ["userRef4", ""],
        ["userRef5", ""],
        ["description", `TRM invoice ${invoice._id}`],
        ["currencyCode", "104"],
        ["channel", "aya_pay"],
        ["method", "WEB"],
        ["overrideFrontendRedirectUrl", `${(publicUrl ?? "").replace(/\/+$/, "")}/pay/ayapay/${invoice._id}`],
      ];
      // Our strict default CSP (`form-action 'self'`, `script-src 'self'`) would stop this page's own post: this
      // page may post to AYA's host only, and run only its one inline script, by nonce.
      const nonce = randomBytes(16).toString("base64");
      const ayaOrigin = new URL(apiRoot).origin;
      void reply.header(
        "content-security-policy",
        `default-src 'none'; script-src 'nonce-${nonce}'; form-action ${ayaOrigin}; base-uri 'none'; ` +
          `frame-ancestors 'none'`,
      );
      const checkSum = ayaChecksum(
        fields.map(([, value]) => value),
        appSecret,
      );
      const inputs = [...fields, ["checkSum", checkSum]]
        .map(
          ([name, value]) =>
            `<input type="hidden" name="${escapeHtml(name ?? "")}" value="${escapeHtml(value ?? "")}">`,
        )
        .join("");
      return reply
        .type("text/html; charset=utf-8")
        .header("cache-control", "no-store")
        .send(
          `<!doctype html><meta charset=utf-8><title>AYA Pay</title><form ` +
            `id="pay" method="post" enctype="multipart/form-data" ` +
            `action="${escapeHtml(`${apiRoot}/v1/payment/request`)}">${inputs}<button>${say("pay_aya")}` +
            `</button></form><script nonce="${nonce}">document.getElementById("pay").submit()</script>`,
        );
    });
  };
}
