import type { RoleService } from "../admin/role-service.ts";
import type { EventHub } from "../events/event-hub.ts";
import { inAllLanguages, type Translator } from "../i18n/translator.ts";
import type { NotificationService } from "../notifications/notification-service.ts";
import type { Language } from "../users/user-model.ts";
import { formatKyat } from "../values/money.ts";
import type { PayoutDoc } from "./payout-models.ts";

interface Deps {
  translator: Translator;
  notifier: NotificationService;
  roles: Pick<RoleService, "holders">;
}

/**
 * Finance hears of each request; the person hears when it is paid or why it was not; owners hear when payouts pause.
 */
export function subscribePayoutNotices(events: EventHub, { translator, notifier, roles }: Deps): void {
  const text = (key: string, payout: PayoutDoc) =>
    inAllLanguages(translator, key, (language: Language) => ({
      id: payout._id,
      amount: formatKyat(payout.amount, language),
      txn: payout.providerTxnId ?? "",
      reason:
        payout.reason === null
          ? ""
          : translator.t(language)(`payouts:reason.${payout.reason}`, { defaultValue: payout.reason }),
    }));
  events.on("payout.requested", async ({ payout }) => {
    const finance = (await roles.holders()).filter(
      (holder) => holder.roles.includes("finance") || holder.roles.includes("owner"),
    );
    for (const holder of finance)
      await notifier.notify({
        userId: holder._id,
        key: `payout:${payout._id}:requested:${holder._id}`,
        text: text("payouts:notice.finance_requested", payout),
        urgent: true,
      });
  });
  events.on("payout.paid", async ({ payout }) => {
    await notifier.notify({
      userId: payout.userId,
      key: `payout:${payout._id}:paid`,
      text: text("payouts:notice.paid", payout),
      urgent: true,
    });
  });
  events.on("payout.returned", async ({ payout }) => {
    await notifier.notify({
      userId: payout.userId,
      key: `payout:${payout._id}:${payout.status}`,
      text: text(payout.status === "failed" ? "payouts:notice.failed" : "payouts:notice.rejected", payout),
      urgent: true,
    });
  });
  events.on("payouts.paused", async ({ reason }) => {
    const owners = (await roles.holders()).filter((holder) => holder.roles.includes("owner"));
    const at = Date.now();
    for (const owner of owners)
      await notifier.notify({
        userId: owner._id,
        key: `payouts:paused:${at}:${owner._id}`,
        text: inAllLanguages(translator, "payouts:notice.paused", () => ({ reason })),
        urgent: true,
      });
  });
}
