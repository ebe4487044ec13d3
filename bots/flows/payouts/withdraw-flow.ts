import { randomBytes } from "node:crypto";
import { isAppError } from "../../../core/errors/app-error.ts";
import { PAYOUT_PROVIDERS, type PayoutProvider } from "../../../core/payouts/payout-models.ts";
import { actionData } from "../../engine/button-data.ts";
import type { Action, Flow, FlowContext, Transition } from "../../engine/contract.ts";
import { stringField } from "../../engine/flow-data.ts";
import { text } from "../../engine/replies.ts";
import { formatKyat } from "../../../core/values/money.ts";
import { parseKyat, parseMyanmarPhone } from "../../../core/myanmar/index.ts";
import type { PayoutsServices } from "./services.ts";

const kyat = (ctx: FlowContext<PayoutsServices>, amount: number) => formatKyat(amount, ctx.user.language);

/** The person's answer to a refused amount or request, in their language. */
function refusal(ctx: FlowContext<PayoutsServices>, error: unknown): string | undefined {
  if (!isAppError(error)) return undefined;
  const number = (name: string) => (typeof error.details?.[name] === "number" ? error.details[name] : 0);
  switch (error.code) {
    case "below_minimum":
      return ctx.t("payouts:below_minimum", { min: kyat(ctx, number("min")) });
    case "above_request_cap":
      return ctx.t("payouts:above_request_cap", { max: kyat(ctx, number("max")) });
    case "above_daily_cap":
      return ctx.t("payouts:above_daily_cap", { max: kyat(ctx, number("max")), left: kyat(ctx, number("left")) });
    case "insufficient_funds":
      return ctx.t("payouts:insufficient", { available: kyat(ctx, number("available")) });
    default:
      return undefined;
  }
}

/**
 * Wallet → Withdraw: amount (typed any common way, read back) → provider →
 * wallet phone (the last one offered) → confirm. The confirm carries a nonce,
 * so a double tap makes one request.
 */
export const withdrawMoneyFlow: Flow<PayoutsServices> = {
  id: "payout",
  first: "amount",
  steps: {
    amount: {
      render: async (ctx) => {
        const room = await ctx.services.payouts.headroom(ctx.user._id);
        const limits = ctx.services.payouts.config;
        return [
          text(
            ctx.t("payouts:ask_amount", {
              available: kyat(ctx, room.available),
              min: kyat(ctx, limits.min),
              max: kyat(ctx, Math.min(limits.maxPerRequest, room.today)),
            }),
          ),
        ];
      },
      handle: async (ctx, input): Promise<Transition> => {
        const amount = input.kind === "text" ? parseKyat(input.text) : null;
        if (amount === null) return { stay: [text(ctx.t("payouts:bad_amount"))] };
        try {
          ctx.services.payouts.checkAmount(amount);
        } catch (error) {
          const message = refusal(ctx, error);
          if (message === undefined) throw error;
          return { stay: [text(message)] };
        }
        const room = await ctx.services.payouts.headroom(ctx.user._id);
        if (amount > room.available)
          return { stay: [text(ctx.t("payouts:insufficient", { available: kyat(ctx, room.available) }))] };
        ctx.data.amount = amount;
        return { to: "provider", replies: [text(ctx.t("payouts:amount_ok", { amount: kyat(ctx, amount) }))] };
      },
    },
    provider: {
      render: (ctx) => [
        {
          kind: "text",
          text: ctx.t("payouts:ask_provider"),
          buttons: [
            PAYOUT_PROVIDERS.map((provider) => ctx.stepButton(ctx.t(`payouts:provider.${provider}`), provider)),
          ],
        },
      ],
      handle: (ctx, input) => {
        if (input.kind !== "value" || !(PAYOUT_PROVIDERS as readonly string[]).includes(input.value))
          return { stay: [] };
        ctx.data.provider = input.value;
        return { to: "phone" };
      },
    },
    phone: {
      render: async (ctx) => {
        const last = await ctx.services.payouts.prefs(ctx.user._id);
        const offer = last?.walletPhone ?? ctx.user.phone;
        return [
          {
            kind: "text",
            text: ctx.t("payouts:ask_phone", {
              provider: ctx.t(`payouts:provider.${stringField(ctx.data, "provider")}`),
            }),
            buttons: offer === null ? [] : [[ctx.stepButton(offer, `use:${offer.replace("+", "")}`)]],
          },
        ];
      },
      handle: (ctx, input) => {
        const raw =
          input.kind === "value" && input.value.startsWith("use:")
            ? `+${input.value.slice(4)}`
            : input.kind === "text"
              ? input.text
              : input.kind === "contact"
                ? input.phone
                : "";
        const phone = parseMyanmarPhone(raw);
        if (phone === null) return { stay: [text(ctx.t("payouts:bad_phone"))] };
        ctx.data.phone = phone;
        ctx.data.nonce = randomBytes(8).toString("hex").toUpperCase();
        return { to: "confirm" };
      },
    },
    confirm: {
      render: (ctx) => [
        {
          kind: "text",
          text: ctx.t("payouts:confirm", {
            amount: kyat(ctx, Number(ctx.data.amount)),
            provider: ctx.t(`payouts:provider.${stringField(ctx.data, "provider")}`),
            phone: stringField(ctx.data, "phone"),
          }),
          buttons: [[ctx.stepButton(ctx.t("payouts:confirm_button"), "confirm")]],
        },
      ],
      handle: async (ctx, input) => {
        if (input.kind !== "value" || input.value !== "confirm") return { stay: [] };
        try {
          const payout = await ctx.services.payouts.request({
            userId: ctx.user._id,
            amount: Number(ctx.data.amount),
            provider: stringField(ctx.data, "provider") as PayoutProvider,
            walletPhone: stringField(ctx.data, "phone"),
            nonce: stringField(ctx.data, "nonce"),
          });
          return { done: [text(ctx.t("payouts:requested", { id: payout._id, amount: kyat(ctx, payout.amount) }))] };
        } catch (error) {
          const message = refusal(ctx, error);
          if (message === undefined) throw error;
          return { done: [text(message)] };
        }
      },
    },
  },
};

/** 💸 Withdraw: only with a verified identity (otherwise it explains and offers KYC). */
export const withdrawMoneyAction: Action<PayoutsServices> = {
  id: "payout",
  run: async (ctx) => {
    const kyc = await ctx.services.kyc.state(ctx.user._id);
    if (kyc.status !== "approved")
      return {
        replies: [
          {
            kind: "text",
            text: ctx.t("payouts:kyc_first"),
            buttons: [[{ label: ctx.t("kyc:menu"), data: actionData("kyc") }]],
          },
        ],
      };
    const room = await ctx.services.payouts.headroom(ctx.user._id);
    if (room.available < ctx.services.payouts.config.min)
      return {
        replies: [
          text(
            ctx.t("payouts:too_little", {
              available: kyat(ctx, room.available),
              min: kyat(ctx, ctx.services.payouts.config.min),
            }),
          ),
        ],
      };
    return { startFlow: "payout" };
  },
};
