import { roleFor } from "../../../core/admin/roles.ts";
import { exportFormat, exportReply } from "../exports/export-reply.ts";
import { isAppError } from "../../../core/errors/app-error.ts";
import { PAYOUT_REJECT_REASONS } from "../../../core/payouts/payout-models.ts";
import type { Action, Flow, FlowContext, Reply, Transition } from "../../engine/contract.ts";
import { stringField } from "../../engine/flow-data.ts";
import { queueStep } from "../admin/queue-step.ts";
import { text } from "../../engine/replies.ts";
import { formatKyat } from "../../../core/values/money.ts";
import { formatDate } from "../../../core/values/yangon-time.ts";
import type { PayoutsServices } from "./services.ts";

const TXN_ID = /^[A-Za-z0-9_-]{4,64}$/;
const actor = (ctx: FlowContext<PayoutsServices>) => ({
  userId: ctx.user._id,
  role: roleFor(ctx.user, "finance"),
  channel: ctx.channel,
});

/**
 * A refusal finance can act on (already handled, paused, not approved, bad id), or undefined for an unexpected error.
 */
function financeRefusal(ctx: FlowContext<PayoutsServices>, error: unknown): string | undefined {
  if (!isAppError(error)) return undefined;
  if (error.code === "payouts_paused")
    return ctx.t("payouts:finance.paused", {
      reason: typeof error.details?.reason === "string" ? error.details.reason : "",
    });
  if (["payout_already_decided", "payout_not_approved", "payout_not_found", "bad_transaction_id"].includes(error.code))
    return ctx.t(`payouts:finance.${error.code}`, { id: stringField(ctx.data, "id") });
  return undefined;
}

async function run(ctx: FlowContext<PayoutsServices>, step: () => Promise<string>): Promise<Transition> {
  try {
    return { to: "queue", replies: [text(await step())] };
  } catch (error) {
    const message = financeRefusal(ctx, error);
    if (message === undefined) throw error;
    return { to: "queue", replies: [text(message)] };
  }
}

async function queueScreen(ctx: FlowContext<PayoutsServices>): Promise<Reply[]> {
  const [waiting, breaker] = await Promise.all([
    ctx.services.payouts.queue(10, ["requested", "approved"]),
    ctx.services.payouts.breaker(),
  ]);
  const lines = [
    breaker.paused
      ? ctx.t("payouts:finance.paused", { reason: breaker.reason ?? "" })
      : ctx.t("payouts:finance.queue_title", { count: waiting.length }),
  ];
  for (const payout of waiting) {
    lines.push(
      ctx.t("payouts:finance.queue_line", {
        id: payout._id,
        amount: formatKyat(payout.amount, ctx.user.language),
        provider: ctx.t(`payouts:provider.${payout.provider}`),
        date: formatDate(new Date(payout.requestedAt), ctx.user.language),
        status: ctx.t(`payouts:status.${payout.status}`),
      }),
    );
  }
  if (waiting.length === 0) lines.push(ctx.t("payouts:finance.none"));
  return [
    {
      kind: "text",
      text: lines.join("\n"),
      buttons: waiting.map((payout) => [
        ctx.stepButton(`${payout._id} · ${formatKyat(payout.amount, ctx.user.language)}`, `open:${payout._id}`),
      ]),
    },
  ];
}

async function payoutScreen(ctx: FlowContext<PayoutsServices>): Promise<Reply[]> {
  const payout = await ctx.services.payouts.find(stringField(ctx.data, "id"));
  if (payout === null) return [text(ctx.t("payouts:finance.payout_not_found", { id: stringField(ctx.data, "id") }))];
  const [user, kyc] = await Promise.all([
    ctx.services.users.findUser(payout.userId),
    ctx.services.kyc.state(payout.userId),
  ]);
  const submission = kyc.submissionId === null ? null : await ctx.services.kyc.find(kyc.submissionId);
  const buttons =
    payout.status === "requested"
      ? [
          [
            ctx.stepButton(ctx.t("payouts:finance.approve"), "approve"),
            ctx.stepButton(ctx.t("payouts:finance.reject"), "reject"),
          ],
        ]
      : payout.status === "approved"
        ? [
            [
              ctx.stepButton(ctx.t("payouts:finance.mark_paid"), "paid"),
              ctx.stepButton(ctx.t("payouts:finance.mark_failed"), "failed"),
            ],
          ]
        : [];
  return [
    {
      kind: "text",
      text: ctx.t("payouts:finance.card", {
        id: payout._id,
        amount: formatKyat(payout.amount, ctx.user.language),
        provider: ctx.t(`payouts:provider.${payout.provider}`),
        phone: payout.walletPhone,
        user: `${user?.name ?? "—"} (${payout.userId})`,
        kycName: submission?.fullName ?? "—",
        status: ctx.t(`payouts:status.${payout.status}`),
      }),
      buttons,
    },
  ];
}

/**
 * Finance: the payout queue → a payout → approve / reject (with a reason) → mark paid (with the provider's transaction
 * id) or failed.
 */
export const financePayoutsFlow: Flow<PayoutsServices> = {
  id: "payouts",
  gate: "finance",
  first: "queue",
  steps: {
    queue: queueStep(queueScreen, "payout"),
    payout: {
      render: payoutScreen,
      handle: async (ctx, input) => {
        if (input.kind !== "value") return { stay: [] };
        const id = stringField(ctx.data, "id");
        if (input.value === "approve") {
          return run(ctx, async () => {
            const payout = await ctx.services.payouts.approve(id, actor(ctx), ctx.services.payoutProvider);
            return ctx.t(payout.status === "paid" ? "payouts:finance.approved_paid" : "payouts:finance.approved", {
              id,
            });
          });
        }
        if (input.value === "reject") return { to: "reason" };
        if (input.value === "paid") return { to: "txn" };
        if (input.value === "failed")
          return run(
            ctx,
            async () => (
              await ctx.services.payouts.markFailed(id, actor(ctx), "provider_failed"),
              ctx.t("payouts:finance.failed", { id })
            ),
          );
        return { stay: [] };
      },
    },
    reason: {
      render: (ctx) => [
        {
          kind: "text",
          text: ctx.t("payouts:finance.ask_reason"),
          buttons: PAYOUT_REJECT_REASONS.map((reason) => [ctx.stepButton(ctx.t(`payouts:reason.${reason}`), reason)]),
        },
      ],
      handle: (ctx, input) => {
        if (input.kind !== "value" || !(PAYOUT_REJECT_REASONS as readonly string[]).includes(input.value))
          return { stay: [] };
        const id = stringField(ctx.data, "id");
        return run(
          ctx,
          async () => (
            await ctx.services.payouts.reject(id, actor(ctx), input.value),
            ctx.t("payouts:finance.rejected", { id })
          ),
        );
      },
    },
    txn: {
      render: (ctx) => [text(ctx.t("payouts:finance.ask_txn"))],
      handle: (ctx, input) => {
        if (input.kind !== "text") return { stay: [] };
        if (!TXN_ID.test(input.text.trim())) return { stay: [text(ctx.t("payouts:finance.bad_transaction_id"))] };
        const id = stringField(ctx.data, "id");
        return run(
          ctx,
          async () => (
            await ctx.services.payouts.markPaid(id, actor(ctx), input.text.trim()),
            ctx.t("payouts:finance.paid", { id })
          ),
        );
      },
    },
  },
};

export const financePayoutActions: Action<PayoutsServices>[] = [
  {
    id: "payouts",
    gate: "finance",
    run: async (ctx, args) => {
      const command = args.trim().toLowerCase();
      const format = exportFormat(command);
      if (format !== null) {
        const table = await ctx.services.exports.payoutsApproved(ctx.t);
        return {
          replies: [await exportReply(ctx, { table, format, section: "finance", action: "payouts.export" })],
        };
      }
      if (command === "resume") {
        if (!ctx.user.roles.includes("owner")) return { replies: [text(ctx.t("payouts:finance.owner_only"))] };
        await ctx.services.payouts.resume(actor(ctx));
        return { replies: [text(ctx.t("payouts:finance.resumed"))] };
      }
      return { startFlow: "payouts" };
    },
  },
  { id: "admin.finance.payouts", gate: "finance", run: () => ({ startFlow: "payouts" }) },
];
