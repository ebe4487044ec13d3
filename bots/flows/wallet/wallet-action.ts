import type { WalletEntry } from "../../../core/wallet/wallet-service.ts";
import { actionData } from "../../engine/button-data.ts";
import type { Action, FlowContext } from "../../engine/contract.ts";
import { formatKyat } from "../../../core/values/money.ts";
import { formatDate } from "../../../core/values/yangon-time.ts";
import type { WalletServices } from "./services.ts";

const ENTRIES = 5;

/** What happened, in words: one line per transaction (a withdrawal setting money aside is one event, not two legs). */
function eventLines(ctx: FlowContext<WalletServices>, entries: WalletEntry[]): string[] {
  const language = ctx.user.language;
  return entries.slice(0, ENTRIES).map((entry) =>
    ctx.t("wallet:entry", {
      date: formatDate(entry.at, language),
      // A movement with no words of its own (an adjustment, a code added later) reads as an adjustment.
      what: ctx.t(`wallet:event.${entry.memo.code}`, {
        ...entry.memo.params,
        amount: formatKyat(entry.amount, language),
        defaultValue: ctx.t("wallet:event.adjustment", { amount: formatKyat(entry.amount, language) }),
      }),
    }),
  );
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
        : [ctx.t("wallet:latest"), ...eventLines(ctx, entries)].join("\n"),
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
