import type { CatalogService } from "../catalog/catalog-service.ts";
import { inAllLanguages, type Translator } from "../i18n/translator.ts";
import type { NotificationService } from "../notifications/notification-service.ts";
import type { UserService } from "../users/user-service.ts";
import type { EventHub } from "../events/event-hub.ts";
import type { InvoiceDoc } from "./invoice-service.ts";
import { formatKyat } from "../values/money.ts";

/**
 * The invoice goes to the company's contact where one is linked, otherwise to
 * finance (and owners) to forward; so does the receipt once it is paid.
 */
export function subscribeInvoiceNotices(
  events: EventHub,
  options: {
    translator: Translator;
    notifier: NotificationService;
    catalog: Pick<CatalogService, "findCompany">;
    users: Pick<UserService, "holdersOf">;
    /** The link the employer pays through (null when the gateway could not make one yet: the notice says so). */
    paymentUrl: (invoice: InvoiceDoc) => Promise<string | null>;
  },
): void {
  const { translator, notifier, catalog } = options;
  const recipients = async (invoice: InvoiceDoc): Promise<string[]> => {
    const company = await catalog.findCompany(invoice.companyId);
    if (company?.billing?.contactUserId != null) return [company.billing.contactUserId];
    return options.users.holdersOf(["finance", "owner"], 20);
  };
  const texts = async (invoice: InvoiceDoc, key: string, link: string | null, extra: Record<string, string> = {}) => {
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
      ...extra,
    }));
  };
  events.on("invoice.created", async ({ invoice }) => {
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
  });
  events.on("invoice.payment_failed", async ({ invoice, gatewayStatus }) => {
    const link = await options.paymentUrl(invoice);
    const text = await texts(invoice, "invoices:payment_failed", link, { status: gatewayStatus });
    // One notice per reported status: a gateway repeating its callback tells nobody twice.
    for (const userId of await recipients(invoice))
      await notifier.notify({ userId, key: `invoice:${invoice._id}:failed:${gatewayStatus}:${userId}`, text });
  });
  events.on("invoice.paid", async ({ invoice }) => {
    const text = await texts(invoice, "invoices:receipt", null);
    for (const userId of await recipients(invoice))
      await notifier.notify({ userId, key: `invoice:${invoice._id}:receipt:${userId}`, text, urgent: true });
  });
}
