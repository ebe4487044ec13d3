import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { Config } from "../config/load-config.ts";
import type { PaymentLookup, PaymentStatusQuery } from "./callback-intake.ts";
import type { Gateway } from "./invoice-service.ts";
import { parseLosslessJson } from "./raw-json.ts";
import { ayaChecksum } from "./signatures/ayapay-signature.ts";
import { kbzSign, kbzVerify } from "./signatures/kbzpay-signature.ts";
import { AppError } from "../errors/app-error.ts";

const record = z.record(z.string(), z.unknown());
const NOT_PAID: PaymentLookup = { paid: false, amount: null, currency: null, ref: null };

async function postJson(url: string, body: unknown): Promise<Record<string, unknown>> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    text = await response.text();
  } catch (error) {
    throw new AppError("gateway_unreachable", "the gateway's status query did not answer", { cause: error });
  }
  let parsed: ReturnType<typeof record.safeParse> | undefined;
  try {
    parsed = record.safeParse(parseLosslessJson(text));
  } catch {
    parsed = undefined;
  }
  if (!response.ok || parsed?.success !== true)
    throw new AppError("gateway_bad_response", `status query answered ${response.status}`);
  return parsed.data;
}

/**
 * The gateways' status queries (payments.md §1.4, §3B): KBZPay `queryorder`
 * (signed request, signed response, `trade_status` `PAY_SUCCESS`) and AYA
 * `enquiry` (checksum over `merchOrderId:timestamp:appKey`, payload
 * `statusCode` `00`). WavePay has no public query. Any doubt answers "not paid".
 */
export class GatewayStatusQuery implements PaymentStatusQuery {
  private readonly gateways: Config["gateways"];

  constructor(gateways: Config["gateways"]) {
    this.gateways = gateways;
  }

  async lookup(gateway: Gateway, orderId: string): Promise<PaymentLookup> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const text = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);
    if (gateway === "kbzpay") {
      const { apiRoot, appId, merchCode, appKey } = this.gateways.kbzpay;
      if (appId === undefined || merchCode === undefined || appKey === undefined) return NOT_PAID;
      const request: Record<string, unknown> = {
        timestamp,
        method: "kbz.payment.queryorder",
        nonce_str: randomBytes(16).toString("hex").toUpperCase(),
        sign_type: "SHA256",
        version: "3.0",
        biz_content: { appid: appId, merch_code: merchCode, merch_order_id: orderId },
      };
      request.sign = kbzSign(request, appKey);
      const answer = record.safeParse((await postJson(`${apiRoot}/queryorder`, { Request: request })).Response);
      if (!answer.success || !kbzVerify(answer.data, appKey) || answer.data.merch_order_id !== orderId) return NOT_PAID;
      return {
        paid: answer.data.trade_status === "PAY_SUCCESS",
        amount: text(answer.data.total_amount),
        currency: text(answer.data.trans_currency),
        ref: text(answer.data.mm_order_id),
      };
    }
    if (gateway === "ayapay") {
      const { apiRoot, appKey, appSecret } = this.gateways.ayapay;
      if (appKey === undefined || appSecret === undefined) return NOT_PAID;
      const answer = await postJson(`${apiRoot}/v1/payment/enquiry`, {
        merchOrderId: orderId,
        appKey,
        timestamp,
        checkSum: ayaChecksum([orderId, timestamp, appKey], appSecret),
      });
      const data = record.safeParse(answer.data);
      if (!data.success || typeof data.data.payload !== "string") return NOT_PAID;
      const payload = record.safeParse(parseLosslessJson(Buffer.from(data.data.payload, "base64").toString("utf8")));
      if (!payload.success || payload.data.merchOrderId !== orderId) return NOT_PAID;
      return {
        paid: payload.data.statusCode === "00",
        amount: text(payload.data.amount),
        currency: text(payload.data.currencyCode) ?? text(payload.data.currenyCode),
        ref: text(payload.data.tranId),
      };
    }
    return NOT_PAID;
  }
}

/** The sandbox gateway's own record of what was paid on its page (local mode and tests of the sandbox). */
export class SandboxStatusQuery implements PaymentStatusQuery {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.redis = redis;
    this.prefix = prefix;
  }

  static key(prefix: string, orderId: string): string {
    return `${prefix}:sandbox-gateway:${orderId}`;
  }

  /** The sandbox page stores `paid:<amount>` when Pay is pressed. */
  async lookup(_gateway: Gateway, orderId: string): Promise<PaymentLookup> {
    const value = await this.redis.get(SandboxStatusQuery.key(this.prefix, orderId));
    const amount = value?.startsWith("paid:") === true ? value.slice(5) : null;
    return {
      paid: amount !== null,
      amount,
      currency: amount === null ? null : "MMK",
      ref: amount === null ? null : `SBX-${orderId}`,
    };
  }
}
