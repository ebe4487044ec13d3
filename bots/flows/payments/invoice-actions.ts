import { formatDate, formatKyat } from "../../../core/catalog/job-format.ts";
import { actionData } from "../../engine/button-data.ts";
import type { Action } from "../../engine/contract.ts";

/** Finance: unpaid invoices (oldest first), and a reconciliation with the gateways on demand. */
export const invoiceActions: Action[] = [
  {
    id: "invoices",
    gate: "finance",
    run: async (ctx, args) => {
      if (args.trim().toLowerCase() === "check") {
        await ctx.services.reconcileNow();
        return { replies: [{ kind: "text", text: ctx.t("invoices:checking") }] };
      }
      const unpaid = await ctx.services.invoices.unpaid(20);
      const lines = [ctx.t("invoices:unpaid_title", { count: unpaid.length })];
      for (const invoice of unpaid) {
        lines.push(ctx.t("invoices:unpaid_line", { id: invoice._id, amount: formatKyat(invoice.amount, ctx.user.language), gateway: ctx.t(`payouts:provider.${invoice.gateway}`), due: formatDate(new Date(invoice.dueAt), ctx.user.language), status: ctx.t(`invoices:status.${invoice.status}`) }));
      }
      return { replies: [{ kind: "text", text: lines.join("\n"), buttons: [[{ label: ctx.t("invoices:check_button"), data: actionData("invoices", "check") }]] }] };
    },
  },
];
