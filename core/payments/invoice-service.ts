import { Schema, type Connection, type Model } from "mongoose";
import type { CatalogService } from "../catalog/catalog-service.ts";
import { decideOnce, decisionModel, isDuplicateKey } from "../decisions/decision-store.ts";
import { AppError } from "../errors/app-error.ts";
import type { ReferralDoc } from "../referrals/referral-model.ts";
import type { EventHub } from "../events/event-hub.ts";

export const GATEWAYS = ["kbzpay", "wavepay", "ayapay"] as const;
export type Gateway = (typeof GATEWAYS)[number];

export interface InvoiceDoc {
  /**
   * `INV<referral id>`: one invoice per hire; letters and digits only, so it is a valid order id on all three gateways.
   */
  _id: string;
  companyId: string;
  referralId: string;
  jobId: string;
  bonus: number;
  fee: number;
  /** Whole kyat: bonus + fee. */
  amount: number;
  currency: "MMK";
  gateway: Gateway;
  status: "pending" | "paid" | "expired";
  /** The latest non-final status a gateway reported (e.g. WavePay `INSUFFICIENT_BALANCE`). */
  lastGatewayStatus: string | null;
  gatewayRef: string | null;
  /** KBZPay by QR: the MMQR string from `precreate` (`PAY_BY_QRCODE`), shown as a QR image; null otherwise. */
  kbzQr: string | null;
  /** Whether this invoice is paid by scanning a KBZPay MMQR code rather than the PWA link. */
  byQr: boolean;
  createdAt: Date;
  dueAt: Date;
  paidAt: Date | null;
}

const invoiceSchema = new Schema<InvoiceDoc>(
  {
    _id: String,
    companyId: { type: String, required: true },
    referralId: { type: String, required: true },
    jobId: { type: String, required: true },
    bonus: { type: Number, required: true },
    fee: { type: Number, required: true },
    amount: { type: Number, required: true },
    currency: { type: String, required: true },
    gateway: { type: String, required: true },
    status: { type: String, required: true },
    lastGatewayStatus: { type: String, default: null },
    gatewayRef: { type: String, default: null },
    kbzQr: { type: String, default: null },
    byQr: { type: Boolean, default: false },
    createdAt: { type: Date, required: true },
    dueAt: { type: Date, required: true },
    paidAt: { type: Date, default: null },
  },
  { versionKey: false, collection: "invoices" },
);
invoiceSchema.index({ status: 1, dueAt: 1 });

export function invoiceModel(connection: Connection): Model<InvoiceDoc> {
  return (
    (connection.models.Invoice as Model<InvoiceDoc> | undefined) ??
    connection.model<InvoiceDoc>("Invoice", invoiceSchema)
  );
}

/** What a verified callback (or status query) says about a payment. */
export interface PaymentEvidence {
  gateway: Gateway;
  orderId: string;
  /** The amount as the gateway sent it (text: `150000`, `150000.00`). */
  amount: string;
  currency: string;
  outcome: "paid" | "pending" | "failed";
  gatewayStatus: string;
  ref: string | null;
}

export type SettleResult =
  | { kind: "settled"; invoice: InvoiceDoc }
  | { kind: "already_paid"; invoice: InvoiceDoc }
  | { kind: "recorded"; invoice: InvoiceDoc };

/** What a paid decision records: enough to make it true again after a crash. */
type PaidIntent = {
  gateway: Gateway;
  ref: string | null;
  /** The gateway's status word (absent in decisions recorded before intents were). */
  status?: string;
};

const paidKey = (invoiceId: string): string => `invoice:${invoiceId}:paid`;

/** `150000`, `150000.0`, `150000.00` equal 150,000 kyat; anything with a fraction of a kyat does not. */
export function amountEquals(text: string, kyat: number): boolean {
  if (!/^\d{1,12}(\.\d{1,2})?$/.test(text)) return false;
  const [whole = "", fraction = ""] = text.split(".");
  return /^0*$/.test(fraction) && Number(whole) === kyat;
}

/** MMK is `MMK`, or ISO 4217 numeric `104` (AYA). */
export const isKyat = (currency: string): boolean => currency === "MMK" || currency === "104";

/**
 * Employer invoices, one per hire at a company that pays per hire. Paying
 * settles the invoice once (`invoice:<id>:paid`), never downgraded by a later
 * or out-of-order callback, and releases the hire's pending rewards.
 */
export class InvoiceService {
  private readonly model: Model<InvoiceDoc>;
  private readonly connection: Connection;
  private readonly catalog: CatalogService;
  private readonly feePercent: number;
  private readonly dueDays: number;
  private readonly now: () => Date;
  /** Makes the hire's rewards available (the referral service's release). */
  private readonly release: (referralId: string) => Promise<unknown>;

  private readonly events: EventHub;

  constructor(options: {
    connection: Connection;
    catalog: CatalogService;
    feePercent: number;
    dueDays: number;
    release: (referralId: string) => Promise<unknown>;
    now?: () => Date;
    /** Where this service announces what it decided (the process's one hub, from createCore). */
    events: EventHub;
  }) {
    this.connection = options.connection;
    this.model = invoiceModel(options.connection);
    this.catalog = options.catalog;
    this.feePercent = options.feePercent;
    this.dueDays = options.dueDays;
    this.release = options.release;
    this.now = options.now ?? (() => new Date());
    this.events = options.events;
  }

  async find(id: string): Promise<InvoiceDoc | null> {
    return /^INV[A-Z0-9]{8}$/.test(id) ? this.model.findById(id).lean<InvoiceDoc>().exec() : null;
  }

  /** Invoices not paid yet (pending or expired), oldest first. */
  async unpaid(limit = 20): Promise<InvoiceDoc[]> {
    return this.model
      .find({ status: { $in: ["pending", "expired"] } })
      .sort({ createdAt: 1 })
      .limit(limit)
      .lean<InvoiceDoc[]>()
      .exec();
  }

  async setKbzQr(id: string, qr: string): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { kbzQr: qr } }).exec();
  }

  /** Unpaid invoices created before `before`, oldest first (for reconciliation). */
  async unpaidBefore(before: Date, limit = 200): Promise<InvoiceDoc[]> {
    return this.model
      .find({ status: "pending", createdAt: { $lte: before } })
      .sort({ createdAt: 1 })
      .limit(limit)
      .lean<InvoiceDoc[]>()
      .exec();
  }

  /** An unpaid invoice past its due date with no payment found is expired (a payment that still arrives settles it). */
  async expire(id: string): Promise<void> {
    // A payment decided but cut off by a crash is finished, never expired.
    if ((await decisionModel(this.connection).findById(paidKey(id)).lean().exec()) !== null) {
      await this.finish(id);
      return;
    }
    await this.model.updateOne({ _id: id, status: "pending" }, { $set: { status: "expired" } }).exec();
  }

  /** The invoice for a hire, created once; null when the company does not pay per hire. */
  async createForHire(referral: ReferralDoc): Promise<InvoiceDoc | null> {
    const job = await this.catalog.findJob(referral.jobId);
    const company = job === null ? null : await this.catalog.findCompany(job.companyId);
    if (job === null || company?.billing?.perHire !== true) return null;
    const fee = Math.ceil((referral.bonus * this.feePercent) / 100);
    const now = this.now();
    const invoice: InvoiceDoc = {
      _id: `INV${referral._id}`,
      companyId: company._id,
      referralId: referral._id,
      jobId: job._id,
      bonus: referral.bonus,
      fee,
      amount: referral.bonus + fee,
      currency: "MMK",
      gateway: company.billing.gateway,
      status: "pending",
      lastGatewayStatus: null,
      gatewayRef: null,
      kbzQr: null,
      byQr: company.billing.gateway === "kbzpay" && company.billing.kbzQr === true,
      createdAt: now,
      dueAt: new Date(now.getTime() + this.dueDays * 86_400_000),
      paidAt: null,
    };
    try {
      await this.model.create(invoice);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return this.find(invoice._id);
    }
    await this.events.emit("invoice.created", { invoice });
    return invoice;
  }

  /**
   * Applies a verified gateway report. Paid (with the invoice's amount and
   * currency) settles once and releases the rewards; a repeat is answered as
   * already paid; anything else is recorded and never downgrades a paid invoice.
   */
  async apply(evidence: PaymentEvidence): Promise<SettleResult> {
    const invoice = await this.find(evidence.orderId);
    if (invoice === null) throw new AppError("unknown_order", `no invoice ${evidence.orderId}`);
    if (evidence.gateway !== invoice.gateway)
      throw new AppError("wrong_gateway", `invoice ${invoice._id} is paid through ${invoice.gateway}`);
    if (!amountEquals(evidence.amount, invoice.amount) || !isKyat(evidence.currency)) {
      throw new AppError("amount_mismatch", `invoice ${invoice._id} is ${invoice.amount} MMK`, {
        details: { expected: invoice.amount },
      });
    }
    if (evidence.outcome !== "paid") {
      if (invoice.status !== "paid")
        await this.model
          .updateOne(
            { _id: invoice._id, status: { $ne: "paid" } },
            { $set: { lastGatewayStatus: evidence.gatewayStatus } },
          )
          .exec();
      // A failed attempt on an open invoice is told to whoever pays or chases it (not a late failure after payment).
      if (evidence.outcome === "failed" && invoice.status !== "paid")
        await this.events.emit("invoice.payment_failed", { invoice, gatewayStatus: evidence.gatewayStatus });
      return { kind: invoice.status === "paid" ? "already_paid" : "recorded", invoice };
    }
    const intent: PaidIntent = { gateway: evidence.gateway, ref: evidence.ref, status: evidence.gatewayStatus };
    if (!(await decideOnce(this.connection, paidKey(invoice._id), intent, this.now()))) {
      // Already decided: make sure its effect happened (it is idempotent), then answer as done.
      return { kind: "already_paid", invoice: (await this.finish(invoice._id)) ?? invoice };
    }
    return { kind: "settled", invoice: await this.applyPaid(invoice, intent, this.now()) };
  }

  /**
   * The effect of a paid decision: the hire's rewards released, the receipt announced (its notices are keyed, so nobody
   * hears twice), the invoice paid (from pending or expired). Safe to repeat.
   */
  private async applyPaid(invoice: InvoiceDoc, intent: PaidIntent, at: Date): Promise<InvoiceDoc> {
    const paid: InvoiceDoc = {
      ...invoice,
      status: "paid",
      paidAt: invoice.paidAt ?? at,
      gatewayRef: intent.ref,
      lastGatewayStatus: intent.status ?? invoice.lastGatewayStatus,
    };
    // The status is written last: an invoice shown paid has had every effect, and a crash before it is finished again.
    await this.release(invoice.referralId);
    await this.events.emit("invoice.paid", { invoice: paid });
    await this.model
      .updateOne(
        { _id: invoice._id, status: { $ne: "paid" } },
        {
          $set: {
            status: "paid",
            paidAt: paid.paidAt,
            gatewayRef: paid.gatewayRef,
            lastGatewayStatus: paid.lastGatewayStatus,
          },
        },
      )
      .exec();
    return paid;
  }

  /**
   * Makes an invoice's recorded paid decision true if a crash cut its effect off (the invoice left pending or
   * expired, the rewards not released). Returns the invoice as it now is.
   */
  async finish(id: string): Promise<InvoiceDoc | null> {
    const invoice = await this.find(id);
    if (invoice === null) return null;
    const decided = await decisionModel(this.connection).findById(paidKey(id)).lean().exec();
    if (decided === null) return invoice;
    if (invoice.status === "paid") {
      await this.release(invoice.referralId);
      return invoice;
    }
    const meta = (decided.meta ?? {}) as Partial<PaidIntent>;
    const intent: PaidIntent = { gateway: meta.gateway ?? invoice.gateway, ref: meta.ref ?? null, status: meta.status };
    return this.applyPaid(invoice, intent, decided.at);
  }

  /**
   * Unpaid invoices whose payment was decided but whose effect was not (a crash between the two): finished now. Reads
   * the unpaid invoices a page at a time, so none is out of reach however many there are.
   */
  async finishStuck(page = 200): Promise<string[]> {
    const stuck: string[] = [];
    for (let after = ""; ;) {
      const open = await this.model
        .find({ status: { $in: ["pending", "expired"] }, _id: { $gt: after } }, { _id: 1 })
        .sort({ _id: 1 })
        .limit(page)
        .lean<Array<Pick<InvoiceDoc, "_id">>>()
        .exec();
      if (open.length === 0) return stuck;
      after = open.at(-1)?._id ?? after;
      const decided = await decisionModel(this.connection)
        .find({ _id: { $in: open.map((invoice) => paidKey(invoice._id)) } }, { _id: 1 })
        .lean()
        .exec();
      for (const { _id } of decided) {
        const id = _id.slice("invoice:".length, -":paid".length);
        await this.finish(id);
        stuck.push(id);
      }
    }
  }
}
