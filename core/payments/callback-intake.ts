import { randomUUID } from "node:crypto";
import { Schema, type Connection, type Model } from "mongoose";
import { z } from "zod";
import type { Config } from "../config/load-config.ts";
import { AppError, isAppError } from "../errors/app-error.ts";
import type { Gateway, InvoiceService, PaymentEvidence, SettleResult } from "./invoice-service.ts";
import { parseLosslessJson } from "./raw-json.ts";
import { ayaVerify } from "./signatures/ayapay-signature.ts";
import { kbzVerify } from "./signatures/kbzpay-signature.ts";
import { waveVerify } from "./signatures/wavepay-signature.ts";

/** Every callback, stored raw with what we made of it. */
export interface GatewayCallbackDoc {
  _id: string;
  gateway: Gateway;
  raw: string;
  receivedAt: Date;
  orderId: string | null;
  outcome: string;
}

const callbackSchema = new Schema<GatewayCallbackDoc>(
  {
    _id: String,
    gateway: { type: String, required: true },
    raw: { type: String, required: true },
    receivedAt: { type: Date, required: true },
    orderId: { type: String, default: null },
    outcome: { type: String, required: true },
  },
  { versionKey: false, collection: "gateway_callbacks" },
);
callbackSchema.index({ orderId: 1, receivedAt: 1 });

export function callbackModel(connection: Connection): Model<GatewayCallbackDoc> {
  return (
    (connection.models.GatewayCallback as Model<GatewayCallbackDoc> | undefined) ??
    connection.model<GatewayCallbackDoc>("GatewayCallback", callbackSchema)
  );
}

/** What a gateway's status query says about an order. */
export interface PaymentLookup {
  paid: boolean;
  amount: string | null;
  currency: string | null;
  ref: string | null;
}

/**
 * Asks the gateway (or the sandbox gateway) about an order, before settling and when reconciling (KBZ `queryorder`, AYA
 * `enquiry`).
 */
export interface PaymentStatusQuery {
  lookup(gateway: Gateway, orderId: string): Promise<PaymentLookup>;
}

const record = z.record(z.string(), z.unknown());
/** How long a gateway is asked to wait before sending a callback we could not confirm yet. */
const CONFIRM_RETRY_MS = 60_000;
const WAVE_PAID = "PAYMENT_CONFIRMED";
const WAVE_PENDING = new Set(["INSUFFICIENT_BALANCE"]);
const refuse = (code: "malformed_callback" | "gateway_not_configured" | "bad_signature", message: string): AppError =>
  new AppError(code, message);

/** Reads one gateway's callback into evidence: the signature checked on the raw text, numbers kept as sent. */
export function evidenceOf(gateway: Gateway, raw: string, config: Config["gateways"]): PaymentEvidence {
  let body: unknown;
  try {
    body = parseLosslessJson(raw);
  } catch {
    throw refuse("malformed_callback", "the body is not JSON");
  }
  const parsed = record.safeParse(body);
  if (!parsed.success) throw refuse("malformed_callback", "the body is not an object");
  const text = (value: unknown): string => (typeof value === "string" ? value : "");
  switch (gateway) {
    case "kbzpay": {
      const key = config.kbzpay.appKey;
      if (key === undefined) throw refuse("gateway_not_configured", "KBZPay is not configured");
      const inner = record.safeParse(parsed.data.Request);
      const fields = inner.success ? inner.data : parsed.data;
      if (!kbzVerify(fields, key)) throw refuse("bad_signature", "the KBZPay signature does not match");
      const status = text(fields.trade_status);
      return {
        gateway,
        orderId: text(fields.merch_order_id),
        amount: text(fields.total_amount),
        currency: text(fields.trans_currency),
        outcome: status === "PAY_SUCCESS" ? "paid" : status === "WAIT_PAY" ? "pending" : "failed",
        gatewayStatus: status,
        ref: text(fields.mm_order_id) || null,
      };
    }
    case "wavepay": {
      const secret = config.wavepay.secret;
      if (secret === undefined) throw refuse("gateway_not_configured", "WavePay is not configured");
      if (!waveVerify(parsed.data, secret)) throw refuse("bad_signature", "the WavePay hash does not match");
      const status = text(parsed.data.status);
      return {
        gateway,
        orderId: text(parsed.data.merchantReferenceId) || text(parsed.data.orderId),
        amount: text(parsed.data.amount),
        currency: text(parsed.data.currency) || "MMK",
        outcome: status === WAVE_PAID ? "paid" : WAVE_PENDING.has(status) ? "pending" : "failed",
        gatewayStatus: status,
        ref: text(parsed.data.transactionId) || null,
      };
    }
    case "ayapay": {
      const secret = config.ayapay.appSecret;
      if (secret === undefined) throw refuse("gateway_not_configured", "AYA Pay is not configured");
      let payload: z.infer<typeof record>;
      try {
        const decoded = record.safeParse(
          parseLosslessJson(Buffer.from(text(parsed.data.payload), "base64").toString("utf8")),
        );
        if (!decoded.success) throw refuse("malformed_callback", "the payload is not an object");
        payload = decoded.data;
      } catch {
        throw refuse("malformed_callback", "the payload is not base64 JSON");
      }
      if (!ayaVerify(payload, parsed.data.checkSum, secret))
        throw refuse("bad_signature", "the AYA Pay checksum does not match");
      const status = text(payload.statusCode);
      return {
        gateway,
        orderId: text(payload.merchOrderId),
        amount: text(payload.amount),
        currency: text(payload.currencyCode) || text(payload.currenyCode),
        outcome: status === "00" ? "paid" : status === "01" ? "pending" : "failed",
        gatewayStatus: status,
        ref: text(payload.tranId) || null,
      };
    }
  }
}

/** What the gateway expects back when a callback was taken (KBZ: the literal `success`). */
export const ACK: Record<Gateway, string> = { kbzpay: "success", wavepay: "", ayapay: "OK" };

/**
 * One callback: stored raw first (nothing accepted is lost), verified, for
 * KBZ and AYA confirmed by a status query before a payment settles, then
 * applied to its invoice once. A refusal is thrown with its status code and
 * recorded with the callback.
 */
export class CallbackIntake {
  private readonly model: Model<GatewayCallbackDoc>;
  private readonly invoices: InvoiceService;
  private readonly gateways: Config["gateways"];
  private readonly query: PaymentStatusQuery;
  private readonly deferred: () => Promise<boolean>;

  constructor(options: {
    connection: Connection;
    invoices: InvoiceService;
    gateways: Config["gateways"];
    query: PaymentStatusQuery;
    /** Whether callbacks are stored now and settled later (a maintenance window). */
    deferWhile?: () => Promise<boolean>;
  }) {
    this.model = callbackModel(options.connection);
    this.invoices = options.invoices;
    this.gateways = options.gateways;
    this.query = options.query;
    this.deferred = options.deferWhile ?? (() => Promise.resolve(false));
  }

  /**
   * Whether the gateway's own status query confirms the payment. A query that cannot reach the gateway confirms
   * nothing: the callback is answered 503 `not_confirmed`, so the gateway sends it again (and the reconciliation
   * looks again in any case).
   */
  private async confirmed(gateway: Gateway, orderId: string): Promise<boolean> {
    try {
      return (await this.query.lookup(gateway, orderId)).paid;
    } catch (error) {
      if (isAppError(error) && error.kind === "transport_failed")
        throw new AppError("not_confirmed", "the gateway's status query did not answer", {
          cause: error,
          retryAfterMs: CONFIRM_RETRY_MS,
        });
      throw error;
    }
  }

  async handle(gateway: Gateway, raw: string): Promise<SettleResult | { kind: "deferred" }> {
    const id = randomUUID();
    await this.model.create({
      _id: id,
      gateway,
      raw: raw.slice(0, 64 * 1024),
      receivedAt: new Date(),
      orderId: null,
      outcome: "received",
    });
    if (await this.deferred()) {
      // During a maintenance window: verified (a forged callback is refused now), stored, settled when it ends.
      try {
        const evidence = evidenceOf(gateway, raw, this.gateways);
        await this.model.updateOne({ _id: id }, { $set: { orderId: evidence.orderId, outcome: "deferred" } }).exec();
        return { kind: "deferred" };
      } catch (error) {
        await this.refused(id, error);
        throw error;
      }
    }
    return this.settle(id, gateway, raw);
  }

  /** Settles the callbacks stored during a maintenance window, oldest first; returns how many it took. */
  async settleDeferred(limit = 500): Promise<number> {
    const waiting = await this.model
      .find({ outcome: "deferred" })
      .sort({ receivedAt: 1 })
      .limit(limit)
      .lean<GatewayCallbackDoc[]>()
      .exec();
    for (const callback of waiting)
      await this.settle(callback._id, callback.gateway, callback.raw).catch(() => undefined);
    return waiting.length;
  }

  private async refused(id: string, error: unknown): Promise<void> {
    await this.model
      .updateOne({ _id: id }, { $set: { outcome: `refused:${isAppError(error) ? error.code : "internal"}` } })
      .exec();
  }

  private async settle(id: string, gateway: Gateway, raw: string): Promise<SettleResult> {
    try {
      const evidence = evidenceOf(gateway, raw, this.gateways);
      // An order we never issued is refused before any call to the gateway.
      if ((await this.invoices.find(evidence.orderId)) === null)
        throw new AppError("unknown_order", `no invoice ${evidence.orderId}`);
      if (evidence.outcome === "paid" && gateway !== "wavepay" && !(await this.confirmed(gateway, evidence.orderId)))
        throw new AppError("not_confirmed", "the gateway's status query does not confirm the payment yet", {
          retryAfterMs: CONFIRM_RETRY_MS,
        });
      const result = await this.invoices.apply(evidence);
      await this.model.updateOne({ _id: id }, { $set: { orderId: evidence.orderId, outcome: result.kind } }).exec();
      return result;
    } catch (error) {
      await this.refused(id, error);
      throw error;
    }
  }
}
