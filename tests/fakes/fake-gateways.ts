import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { kbzSign } from "../../core/payments/signatures/kbzpay-signature.ts";

/**
 * KBZPay `queryorder` and AYA `enquiry` on 127.0.0.1, answering from a map
 * the test sets (order id → paid or not), signed like the real ones.
 */
export class FakeGateways {
  /** Order id → the amount the gateway reports as paid. */
  readonly paid = new Map<string, number>();
  readonly queries: Array<{ gateway: string; orderId: string }> = [];
  /** Create-payment requests received, as sent (KBZ `Request` objects; Wave form fields). */
  readonly created: Array<Record<string, unknown>> = [];
  /** AYA checkout form posts that reached the "gateway" (from a browser), by field. */
  readonly checkouts: Array<Record<string, string>> = [];
  private server: Server | undefined;
  private readonly kbzKey: string;

  constructor(kbzKey: string) {
    this.kbzKey = kbzKey;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    return `http://127.0.0.1:${address?.port ?? 0}`;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      void (async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of request) chunks.push(chunk as Buffer);
        const text = Buffer.concat(chunks).toString("utf8");
        if (request.url === "/wave/payment") {
          const fields = Object.fromEntries(new URLSearchParams(text));
          this.created.push(fields);
          response.writeHead(200, { "content-type": "application/json" });
          response.end(
            JSON.stringify({ message: "success", transaction_id: `WAVETX-${fields.merchant_reference_id ?? ""}` }),
          );
          return;
        }
        // AYA's hosted checkout, as a browser reaches it: our page's form post (multipart fields).
        if (request.url === "/aya/v1/payment/request" && request.method === "POST") {
          const fields = Object.fromEntries(
            [...text.matchAll(/name="(\w+)"\r\n\r\n([^\r]*)/g)].map((match) => [match[1] ?? "", match[2] ?? ""]),
          );
          this.checkouts.push(fields);
          response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end("<p>AYA Pay checkout</p>");
          return;
        }
        const body = JSON.parse(text || "{}") as {
          Request?: { biz_content?: { merch_order_id?: string } };
          merchOrderId?: string;
        };
        const send = (value: unknown) => {
          response.writeHead(200, { "content-type": "application/json" });
          response.end(JSON.stringify(value));
        };
        if (request.url === "/kbz/precreate") {
          this.created.push(body.Request ?? {});
          const order = body.Request?.biz_content?.merch_order_id ?? "";
          const answer: Record<string, unknown> = {
            result: "SUCCESS",
            code: "0",
            prepay_id: `KBZ007PREPAY${order}`,
            merch_order_id: order,
            nonce_str: "N0NCE",
            sign_type: "SHA256",
          };
          if ((body.Request?.biz_content as { trade_type?: string } | undefined)?.trade_type === "PAY_BY_QRCODE")
            answer.qrCode = `00020101021226MMQRSAMPLE${order}`;
          answer.sign = kbzSign(answer, this.kbzKey);
          return send({ Response: answer });
        }
        if (request.url === "/kbz/queryorder") {
          const orderId = body.Request?.biz_content?.merch_order_id ?? "";
          this.queries.push({ gateway: "kbzpay", orderId });
          const amount = this.paid.get(orderId);
          const answer: Record<string, unknown> = {
            result: "SUCCESS",
            code: "0",
            merch_order_id: orderId,
            trade_status: amount !== undefined ? "PAY_SUCCESS" : "WAIT_PAY",
            total_amount: String(amount ?? 0),
            trans_currency: "MMK",
            mm_order_id: `KBZQ${orderId}`,
            nonce_str: "N0NCE",
            sign_type: "SHA256",
          };
          answer.sign = kbzSign(answer, this.kbzKey);
          return send({ Response: answer });
        }
        if (request.url === "/aya/v1/payment/enquiry") {
          const orderId = body.merchOrderId ?? "";
          this.queries.push({ gateway: "ayapay", orderId });
          const amount = this.paid.get(orderId);
          return send({
            status: "00",
            data: {
              payload: Buffer.from(
                JSON.stringify({
                  merchOrderId: orderId,
                  tranId: `AYAQ${orderId}`,
                  amount: String(amount ?? 0),
                  currencyCode: "104",
                  statusCode: amount !== undefined ? "00" : "01",
                }),
              ).toString("base64"),
            },
          });
        }
        response.writeHead(404).end();
      })();
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
