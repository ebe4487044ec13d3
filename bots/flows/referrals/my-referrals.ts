import { isAppError } from "../../../core/errors/app-error.ts";
import type { ReferralDoc } from "../../../core/referrals/referral-model.ts";
import { REFERRAL_ID_PATTERN } from "../../../core/referrals/referral-service.ts";
import { actionData } from "../../engine/button-data.ts";
import type { Action, Button, Flow, FlowContext } from "../../engine/contract.ts";
import { stringField } from "../../engine/flow-data.ts";
import { text } from "./candidate-steps.ts";
import { formatKyat } from "../../../core/values/money.ts";
import type { ReferralsServices } from "./services.ts";

/** What the referral will earn (or earned) the referrer, as one phrase. */
async function rewardPhrase(ctx: FlowContext<ReferralsServices>, referral: ReferralDoc): Promise<string> {
  const amount = formatKyat(referral.bonus, ctx.user.language);
  if (referral.status === "hired") {
    const own = (await ctx.services.rewards.forReferral(referral._id)).find((reward) => reward.level === 0);
    return ctx.t(own?.status === "available" ? "referrals:mine.reward_available" : "referrals:mine.reward_pending", {
      amount,
    });
  }
  if (referral.status === "rejected" || referral.status === "withdrawn") return ctx.t("referrals:mine.reward_none");
  return ctx.t("referrals:mine.reward_if_hired", { amount });
}

/** "My referrals": each with its job, status and reward; a submitted one may be withdrawn. */
export const myReferralsAction: Action<ReferralsServices> = {
  id: "myreferrals",
  run: async (ctx) => {
    const referrals = await ctx.services.referrals.byReferrer(ctx.user._id, 10);
    if (referrals.length === 0) return { replies: [text(ctx.t("referrals:mine.empty"))] };
    const lines = [ctx.t("referrals:mine.title")];
    const buttons: Button[][] = [];
    for (const referral of referrals) {
      const job = await ctx.services.catalog.findJob(referral.jobId);
      lines.push(
        ctx.t("referrals:mine.line", {
          ref: referral._id,
          name: referral.candidate.name,
          job: job?.title[ctx.user.language] ?? referral.jobId,
          status: ctx.t(`referrals:status.${referral.status}`),
          reward: await rewardPhrase(ctx, referral),
          via: referral.source === "link" ? ctx.t("referrals:mine.via_link") : "",
        }),
      );
      if (referral.status === "submitted")
        buttons.push([
          {
            label: ctx.t("referrals:mine.withdraw", { ref: referral._id }),
            data: actionData("withdraw", referral._id),
          },
        ]);
    }
    return { replies: [{ kind: "text", text: lines.join("\n\n"), buttons }] };
  },
};

/** Withdraw, after a yes: only the referrer, only before screening. */
export const withdrawFlow: Flow<ReferralsServices> = {
  id: "withdraw",
  first: "confirm",
  steps: {
    confirm: {
      render: (ctx) => [
        {
          kind: "text",
          text: ctx.t("referrals:withdraw.ask", { ref: stringField(ctx.data, "ref") }),
          buttons: [[ctx.stepButton(ctx.t("referrals:withdraw.yes"), "yes")]],
        },
      ],
      handle: async (ctx, input) => {
        if (input.kind !== "value" || input.value !== "yes") return { stay: [] };
        const ref = stringField(ctx.data, "ref");
        try {
          await ctx.services.referrals.move(ref, "withdrawn", { userId: ctx.user._id, as: "referrer" });
          return { done: [text(ctx.t("referrals:withdraw.done", { ref }))] };
        } catch (error) {
          if (
            isAppError(error) &&
            ["move_not_allowed", "moved_meanwhile", "not_your_referral", "referral_not_found"].includes(error.code)
          ) {
            return { done: [text(ctx.t("referrals:withdraw.too_late", { ref }))] };
          }
          throw error;
        }
      },
    },
  },
};

export const withdrawAction: Action<ReferralsServices> = {
  id: "withdraw",
  run: async (ctx, args) => {
    const ref = args.trim().toUpperCase();
    const referral = REFERRAL_ID_PATTERN.test(ref) ? await ctx.services.referrals.find(ref) : null;
    if (referral === null || referral.referrerId !== ctx.user._id)
      return { replies: [text(ctx.t("referrals:not_found", { ref }))] };
    if (referral.status !== "submitted") return { replies: [text(ctx.t("referrals:withdraw.too_late", { ref }))] };
    return { startFlow: "withdraw", data: { ref } };
  },
};
