import type { WalletEntry } from "../../../core/wallet/wallet-service.ts";
import { actionData } from "../../engine/button-data.ts";
import type { Action, FlowContext } from "../../engine/contract.ts";
import { formatKyat } from "../../../core/values/money.ts";
import { formatDate } from "../../../core/values/yangon-time.ts";
import type { WalletServices } from "./services.ts";

const ENTRIES = 5;

function entryLine(ctx: FlowContext<WalletServices>, entry: WalletEntry): string {
  const language = ctx.user.language;
  const sign = entry.amount > 0 ? "+" : "−";
  return ctx.t("wallet:entry", {
    date: formatDate(entry.at, language),
    amount: `${sign}${formatKyat(Math.abs(entry.amount), language)}`,
    bucket: ctx.t(`wallet:bucket.${entry.bucket}`),
    reason: ctx.t(`wallet:reason.${entry.memo.code}`, {
      ...entry.memo.params,
      defaultValue: ctx.t("wallet:reason.adjustment"),
    }),
  });
}

/** The wallet: available, pending, held and lifetime earnings, then the latest movements with their reasons. */
export const walletAction: Action<WalletServices> = {
  id: "wallet",
  run: async (ctx) => {
    const language = ctx.user.language;
    const balances = await ctx.services.wallet.balances(ctx.user._id);
    const entries = await ctx.services.wallet.recent(ctx.user._id, ENTRIES);
    const lines = [
      ctx.t("wallet:title"),
      ctx.t("wallet:balances", {
        available: formatKyat(balances.available, language),
        pending: formatKyat(balances.pending, language),
        held: formatKyat(balances.held, language),
        earned: formatKyat(balances.earned, language),
      }),
      entries.length === 0
        ? ctx.t("wallet:no_entries")
        : [ctx.t("wallet:latest"), ...entries.map((entry) => entryLine(ctx, entry))].join("\n"),
    ];
    if (balances.pending > 0)
      lines.push(
        ctx.t(ctx.services.rewardRelease === "invoice" ? "wallet:pending_note_invoice" : "wallet:pending_note_finance"),
      );
    if (balances.paidout > 0) lines.push(ctx.t("wallet:paid_out", { amount: formatKyat(balances.paidout, language) }));
    return {
      replies: [
        {
          kind: "text",
          text: lines.join("\n\n"),
          buttons: [[{ label: ctx.t("payouts:withdraw_button"), data: actionData("payout") }]],
        },
      ],
    };
  },
};
