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

/**
 * "My referrals": each with its job, status and reward (a referral the person submitted may be withdrawn; one made
 * through their shared link belongs to the applicant), then the person's own applications, which they may withdraw.
 */
export const myReferralsAction: Action<ReferralsServices> = {
  id: "myreferrals",
  run: async (ctx) => {
    const referrals = await ctx.services.referrals.byReferrer(ctx.user._id, 10);
    const applications = await ctx.services.referrals.byCandidate(ctx.user._id, 5);
    if (referrals.length === 0 && applications.length === 0) return { replies: [text(ctx.t("referrals:mine.empty"))] };
    const sections: string[] = [];
    const buttons: Button[][] = [];
    const jobTitle = async (referral: ReferralDoc) =>
      (await ctx.services.catalog.findJob(referral.jobId))?.title[ctx.user.language] ?? referral.jobId;
    if (referrals.length > 0) {
      const lines = [ctx.t("referrals:mine.title")];
      for (const referral of referrals) {
        lines.push(
          ctx.t("referrals:mine.line", {
            ref: referral._id,
            name: referral.candidate.name,
            job: await jobTitle(referral),
            status: ctx.t(`referrals:status.${referral.status}`),
            reward: await rewardPhrase(ctx, referral),
            via: referral.source === "link" ? ctx.t("referrals:mine.via_link") : "",
          }),
        );
        const withdraw = withdrawButton(ctx, referral);
        if (withdraw !== undefined) buttons.push([withdraw]);
      }
      sections.push(lines.join("\n\n"));
    }
    if (applications.length > 0) {
      const lines = [ctx.t("referrals:mine.applications_title")];
      for (const application of applications) {
        lines.push(
          ctx.t("referrals:mine.application_line", {
            ref: application._id,
            job: await jobTitle(application),
            status: ctx.t(`referrals:status.${application.status}`),
          }),
        );
        const withdraw = withdrawButton(ctx, application);
        if (withdraw !== undefined) buttons.push([withdraw]);
      }
      sections.push(lines.join("\n\n"));
    }
    return { replies: [{ kind: "text", text: sections.join("\n\n———\n\n"), buttons }] };
  },
};

/** Who may withdraw this: the referrer of a referral they submitted, or the applicant of an application. */
function withdrawer(referral: ReferralDoc, userId: string): "referrer" | "candidate" | undefined {
  if (referral.candidateUserId === userId) return "candidate";
  if (referral.referrerId === userId && referral.source !== "link") return "referrer";
  return undefined;
}

/** The withdraw button, for whoever may withdraw it and only before screening. */
function withdrawButton(ctx: FlowContext<ReferralsServices>, referral: ReferralDoc): Button | undefined {
  const as = withdrawer(referral, ctx.user._id);
  if (referral.status !== "submitted" || as === undefined) return undefined;
  const key = as === "candidate" ? "referrals:mine.withdraw_application" : "referrals:mine.withdraw";
  return { label: ctx.t(key, { ref: referral._id }), data: actionData("withdraw", referral._id) };
}

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
          const as = stringField(ctx.data, "as") === "candidate" ? "candidate" : "referrer";
          await ctx.services.referrals.move(ref, "withdrawn", { userId: ctx.user._id, as });
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
    const as = referral === null ? undefined : withdrawer(referral, ctx.user._id);
    if (referral === null || as === undefined) return { replies: [text(ctx.t("referrals:not_found", { ref }))] };
    if (referral.status !== "submitted") return { replies: [text(ctx.t("referrals:withdraw.too_late", { ref }))] };
    return { startFlow: "withdraw", data: { ref, as } };
  },
};
