import { exportFormat, exportReply } from "../exports/export-reply.ts";
import { roleFor } from "../../../core/admin/roles.ts";
import { GATEWAYS, type Gateway } from "../../../core/payments/invoice-service.ts";
import { PUBLIC_ID_PATTERN } from "../../../core/users/public-id.ts";
import { actionData } from "../../engine/button-data.ts";
import type { Action, FlowContext } from "../../engine/contract.ts";
import { text } from "../../engine/replies.ts";
import { formatKyat } from "../../../core/values/money.ts";
import { formatDate } from "../../../core/values/yangon-time.ts";
import type { PaymentsServices } from "./services.ts";

async function billingList(ctx: FlowContext<PaymentsServices>) {
  const companies = await ctx.services.catalog.companies();
  const lines = [
    ctx.t("invoices:billing_title"),
    ...companies.map((company) =>
      ctx.t("invoices:billing_line", {
        id: company._id,
        name: company.name[ctx.user.language],
        billing:
          company.billing?.perHire === true
            ? `${ctx.t(`payouts:provider.${company.billing.gateway}`)}` +
              `${company.billing.kbzQr === true ? " (QR)" : ""}` +
              `${company.billing.contactUserId === null ? "" : ` → ${company.billing.contactUserId}`}`
            : ctx.t("invoices:billing_off"),
      }),
    ),
  ];
  return { replies: [text(lines.join("\n"))] };
}

/** Finance: unpaid invoices (oldest first), and a reconciliation with the gateways on demand. */
export const invoiceActions: Action<PaymentsServices>[] = [
  {
    /**
     * `/billing C001 kbzpay U2345678` (per hire through KBZPay, invoices to that contact), `/billing C001 wavepay`,
     * `/billing C001 off`. Audited.
     */
    id: "billing",
    gate: "finance",
    run: async (ctx, args) => {
      const [companyId = "", mode = "", contact = ""] = args.trim().split(/\s+/);
      if (companyId === "") return billingList(ctx);
      const byQr = mode.toLowerCase() === "kbzpay-qr";
      const gateway = byQr ? "kbzpay" : mode.toLowerCase();
      const contactId = contact.toUpperCase();
      if (
        (gateway !== "off" && !(GATEWAYS as readonly string[]).includes(gateway)) ||
        (contact !== "" && !PUBLIC_ID_PATTERN.test(contactId))
      )
        return { replies: [text(ctx.t("invoices:billing_usage"))] };
      if (contactId !== "" && (await ctx.services.users.findUser(contactId)) === null)
        return { replies: [text(ctx.t("invoices:billing_no_user", { id: contactId }))] };
      const billing =
        gateway === "off"
          ? null
          : {
              perHire: true,
              gateway: gateway as Gateway,
              contactUserId: contactId === "" ? null : contactId,
              ...(byQr ? { kbzQr: true } : {}),
            };
      const before = await ctx.services.catalog.findCompany(companyId.toUpperCase());
      const updated = await ctx.services.catalog.setBilling(companyId.toUpperCase(), billing);
      if (updated === null) return { replies: [text(ctx.t("invoices:billing_no_company", { id: companyId }))] };
      await ctx.services.audit.record({
        actorId: ctx.user._id,
        actorRole: roleFor(ctx.user, "finance"),
        channel: ctx.channel,
        action: "company.billing",
        target: updated._id,
        before: { billing: before?.billing ?? null },
        after: { billing },
      });
      const list = await billingList(ctx);
      return { replies: [text(ctx.t("invoices:billing_set", { id: updated._id })), ...list.replies] };
    },
  },
  {
    id: "invoices",
    gate: "finance",
    run: async (ctx, args) => {
      const format = exportFormat(args.trim());
      if (format !== null) {
        const table = await ctx.services.exports.invoices(ctx.t);
        return {
          replies: [await exportReply(ctx, { table, format, section: "finance", action: "invoices.export" })],
        };
      }
      if (args.trim().toLowerCase() === "check") {
        await ctx.services.reconcileNow();
        return { replies: [{ kind: "text", text: ctx.t("invoices:checking") }] };
      }
      const unpaid = await ctx.services.invoices.unpaid(20);
      const lines = [
        ctx.t(unpaid.length === 0 ? "invoices:unpaid_none" : "invoices:unpaid_title", { count: unpaid.length }),
      ];
      for (const invoice of unpaid) {
        lines.push(
          ctx.t("invoices:unpaid_line", {
            id: invoice._id,
            amount: formatKyat(invoice.amount, ctx.user.language),
            gateway: ctx.t(`payouts:provider.${invoice.gateway}`),
            due: formatDate(new Date(invoice.dueAt), ctx.user.language),
            status: ctx.t(`invoices:status.${invoice.status}`),
          }),
        );
      }
      return {
        replies: [
          {
            kind: "text",
            text: lines.join("\n"),
            buttons: [[{ label: ctx.t("invoices:check_button"), data: actionData("invoices", "check") }]],
          },
        ],
      };
    },
  },
];
