import type { PaymentStatusQuery } from "./callback-intake.ts";
import type { InvoiceService } from "./invoice-service.ts";

/** A payment's callback normally arrives within minutes; after this, the gateway is asked. */
export const RECONCILE_AFTER_MS = 30 * 60_000;

export interface ReconcileReport {
  settled: string[];
  expired: string[];
  /** WavePay has no public status query: these need a look in Wave's merchant portal. */
  manual: string[];
  errors: string[];
}

/**
 * Reconciliation: unpaid invoices older than their expected time are looked
 * up where the gateway has a query API (KBZ `queryorder`, AYA `enquiry`) and
 * settled (with the amount the gateway reports) or, past their due date,
 * expired; WavePay invoices are listed for a manual check.
 */
export async function reconcileInvoices(
  invoices: InvoiceService,
  query: PaymentStatusQuery,
  now: Date,
): Promise<ReconcileReport> {
  const report: ReconcileReport = { settled: [], expired: [], manual: [], errors: [] };
  for (const invoice of await invoices.unpaidBefore(new Date(now.getTime() - RECONCILE_AFTER_MS))) {
    if (invoice.gateway === "wavepay") {
      report.manual.push(invoice._id);
      continue;
    }
    try {
      const found = await query.lookup(invoice.gateway, invoice._id);
      if (found.paid && found.amount !== null) {
        const result = await invoices.apply({
          gateway: invoice.gateway,
          orderId: invoice._id,
          amount: found.amount,
          currency: found.currency ?? "",
          outcome: "paid",
          gatewayStatus: "QUERY_PAID",
          ref: found.ref,
        });
        if (result.kind === "settled") report.settled.push(invoice._id);
      } else if (now.getTime() > new Date(invoice.dueAt).getTime()) {
        await invoices.expire(invoice._id);
        report.expired.push(invoice._id);
      }
    } catch {
      report.errors.push(invoice._id);
    }
  }
  return report;
}
