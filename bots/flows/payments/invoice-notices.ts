import type { Connection } from "mongoose";
import { invoiceNotices } from "../../../core/payments/invoice-notices.ts";
import type { InvoiceDoc } from "../../../core/payments/invoice-service.ts";
import type { BotServices } from "../../engine/services.ts";

/** Invoices and receipts reach the company's contact or finance (see core/payments/invoice-notices.ts). */
export function installInvoiceNotices(
  services: BotServices,
  connection: Connection,
  paymentUrl: (invoice: InvoiceDoc) => Promise<string | null>,
): void {
  const notices = invoiceNotices({
    connection,
    translator: services.translator,
    notifier: services.notifier,
    catalog: services.catalog,
    paymentUrl,
  });
  services.invoices.onCreated = notices.onCreated;
  services.invoices.onPaid = notices.onPaid;
}
