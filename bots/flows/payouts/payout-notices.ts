import { formatKyat } from "../../../core/catalog/job-format.ts";
import type { PayoutDoc } from "../../../core/payouts/payout-models.ts";
import { inAllLanguages } from "../../../core/i18n/translator.ts";
import type { Language } from "../../../core/users/user-model.ts";
import type { BotServices } from "../../engine/services.ts";

const both = (services: BotServices, key: string, params: (language: Language) => Record<string, string | number>) =>
  inAllLanguages(services.translator, key, params);

/**
 * Finance hears of each request; the person hears when it is paid or why it was not; owners hear when payouts pause.
 */
export function installPayoutNotices(services: BotServices): void {
  const { payouts, notifier, roles } = services;
  const amount = (payout: PayoutDoc) => (language: Language) => ({
    id: payout._id,
    amount: formatKyat(payout.amount, language),
    txn: payout.providerTxnId ?? "",
    reason:
      payout.reason === null
        ? ""
        : services.translator.t(language)(`payouts:reason.${payout.reason}`, { defaultValue: payout.reason }),
  });
  payouts.onRequested = async (payout) => {
    const finance = (await roles.holders()).filter(
      (holder) => holder.roles.includes("finance") || holder.roles.includes("owner"),
    );
    for (const holder of finance)
      await notifier.notify({
        userId: holder._id,
        key: `payout:${payout._id}:requested:${holder._id}`,
        text: both(services, "payouts:notice.finance_requested", amount(payout)),
        urgent: true,
      });
  };
  payouts.onPaid = async (payout) => {
    await notifier.notify({
      userId: payout.userId,
      key: `payout:${payout._id}:paid`,
      text: both(services, "payouts:notice.paid", amount(payout)),
      urgent: true,
    });
  };
  payouts.onReleased = async (payout) => {
    await notifier.notify({
      userId: payout.userId,
      key: `payout:${payout._id}:${payout.status}`,
      text: both(
        services,
        payout.status === "failed" ? "payouts:notice.failed" : "payouts:notice.rejected",
        amount(payout),
      ),
      urgent: true,
    });
  };
  payouts.onBreakerTripped = async (reason) => {
    const owners = (await roles.holders()).filter((holder) => holder.roles.includes("owner"));
    const at = Date.now();
    for (const owner of owners)
      await notifier.notify({
        userId: owner._id,
        key: `payouts:paused:${at}:${owner._id}`,
        text: both(services, "payouts:notice.paused", () => ({ reason })),
        urgent: true,
      });
  };
}
