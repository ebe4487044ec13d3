import type { Connection } from "mongoose";
import type { CatalogService } from "../catalog/catalog-service.ts";
import { formatKyat } from "../catalog/job-format.ts";
import { inAllLanguages, type Translator } from "../i18n/translator.ts";
import type { NotificationService } from "../notifications/notification-service.ts";
import { userModels, type UserDoc } from "../users/user-model.ts";
import type { InvoiceDoc } from "./invoice-service.ts";

/**
 * The invoice goes to the company's contact where one is linked, otherwise to
 * finance (and owners) to forward; so does the receipt once it is paid.
 */
export function invoiceNotices(options: {
  connection: Connection;
  translator: Translator;
  notifier: NotificationService;
  catalog: Pick<CatalogService, "findCompany">;
  paymentUrl: (invoice: InvoiceDoc) => Promise<string | null>;
}) {
  const { translator, notifier, catalog } = options;
  const recipients = async (invoice: InvoiceDoc): Promise<string[]> => {
    const company = await catalog.findCompany(invoice.companyId);
    if (company?.billing?.contactUserId != null) return [company.billing.contactUserId];
    const holders = await userModels(options.connection)
      .User.find({ roles: { $in: ["finance", "owner"] } }, { _id: 1 })
      .limit(20)
      .lean<Array<Pick<UserDoc, "_id">>>()
      .exec();
    return holders.map((holder) => holder._id);
  };
  const texts = async (invoice: InvoiceDoc, key: string, link: string | null) => {
    const company = await catalog.findCompany(invoice.companyId);
    return inAllLanguages(translator, key, (language) => ({
      id: invoice._id,
      company: company?.name[language] ?? invoice.companyId,
      amount: formatKyat(invoice.amount, language),
      bonus: formatKyat(invoice.bonus, language),
      fee: formatKyat(invoice.fee, language),
      gateway: translator.t(language)(`payouts:provider.${invoice.gateway}`),
      link: link ?? translator.t(language)("invoices:no_link"),
      ref: invoice.gatewayRef ?? "",
    }));
  };
  return {
    onCreated: async (invoice: InvoiceDoc): Promise<void> => {
      const link = await options.paymentUrl(invoice);
      // A KBZPay QR invoice goes with its QR image (an https link Telegram and Viber fetch).
      const image = invoice.byQr && link?.startsWith("https://") === true ? { imageUrl: `${link}/qr.png` } : {};
      const text = await texts(invoice, "invoices:created", link);
      for (const userId of await recipients(invoice))
        await notifier.notify({
          userId,
          key: `invoice:${invoice._id}:created:${userId}`,
          text,
          urgent: true,
          ...image,
        });
    },
    onPaid: async (invoice: InvoiceDoc): Promise<void> => {
      const text = await texts(invoice, "invoices:receipt", null);
      for (const userId of await recipients(invoice))
        await notifier.notify({ userId, key: `invoice:${invoice._id}:receipt:${userId}`, text, urgent: true });
    },
  };
}
