import { formatKyat } from "../../../core/catalog/job-format.ts";
import type { InvoiceDoc } from "../../../core/payments/invoice-service.ts";
import { LANGUAGES, type Language } from "../../../core/users/user-model.ts";
import type { BotServices } from "../../engine/services.ts";

/** The invoice goes to the company's contact where one is linked, otherwise to finance to forward; so does the receipt. */
export function installInvoiceNotices(services: BotServices, paymentUrl: (invoice: InvoiceDoc) => string | null): void {
  const recipients = async (invoice: InvoiceDoc): Promise<string[]> => {
    const company = await services.catalog.findCompany(invoice.companyId);
    if (company?.billing?.contactUserId != null) return [company.billing.contactUserId];
    return (await services.roles.holders()).filter((holder) => holder.roles.includes("finance") || holder.roles.includes("owner")).map((holder) => holder._id);
  };
  const texts = async (invoice: InvoiceDoc, key: string): Promise<Record<Language, string>> => {
    const company = await services.catalog.findCompany(invoice.companyId);
    const link = paymentUrl(invoice);
    return Object.fromEntries(
      LANGUAGES.map((language) => {
        const t = services.translator.t(language);
        return [
          language,
          t(key, {
            id: invoice._id,
            company: company?.name[language] ?? invoice.companyId,
            amount: formatKyat(invoice.amount, language),
            bonus: formatKyat(invoice.bonus, language),
            fee: formatKyat(invoice.fee, language),
            gateway: t(`payouts:provider.${invoice.gateway}`),
            link: link ?? t("invoices:no_link"),
            ref: invoice.gatewayRef ?? "",
          }),
        ];
      }),
    ) as Record<Language, string>;
  };
  services.invoices.onCreated = async (invoice) => {
    for (const userId of await recipients(invoice)) await services.notifier.notify({ userId, key: `invoice:${invoice._id}:created:${userId}`, text: await texts(invoice, "invoices:created"), urgent: true });
  };
  services.invoices.onPaid = async (invoice) => {
    for (const userId of await recipients(invoice)) await services.notifier.notify({ userId, key: `invoice:${invoice._id}:receipt:${userId}`, text: await texts(invoice, "invoices:receipt"), urgent: true });
  };
}
