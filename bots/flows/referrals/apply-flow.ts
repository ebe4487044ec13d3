import { JOB_ID_PATTERN } from "../../../core/catalog/catalog-service.ts";
import { PUBLIC_ID_PATTERN } from "../../../core/users/public-id.ts";
import type { Action, Flow, FlowContext, Reply } from "../../engine/contract.ts";
import { stringField } from "../../engine/flow-data.ts";
import {
  candidateFields,
  confirmStep,
  consentStep,
  cvStep,
  nameStep,
  phoneStep,
  summaryReply,
  text,
} from "./candidate-steps.ts";
import type { ReferralsServices } from "./services.ts";

const summary = (ctx: FlowContext<ReferralsServices>): Promise<Reply[]> =>
  summaryReply(ctx, "referrals:apply.summary", {}, "referrals:apply.send");

/** Apply through a shared job link: name → phone → optional CV → consent → confirm; the sharer is the referrer. */
export const applyFlow: Flow<ReferralsServices> = {
  id: "apply",
  first: "name",
  steps: {
    name: nameStep("self", "phone"),
    phone: phoneStep("self", "cv"),
    cv: cvStep("consent"),
    consent: consentStep("self", "confirm"),
    confirm: confirmStep(
      summary,
      (ctx) => ({
        ...candidateFields(ctx),
        referrerId: stringField(ctx.data, "sharedBy"),
        submittedBy: ctx.user._id,
        source: "link",
        candidateUserId: ctx.user._id,
        relationship: null,
      }),
      "referrals:apply.done",
    ),
  },
};

/** `m:apply:<jobId>_<sharer>` from a shared job's card. */
export const applyAction: Action<ReferralsServices> = {
  id: "apply",
  run: async (ctx, args) => {
    const [jobId = "", sharedBy = ""] = args.trim().toUpperCase().split("_");
    const job = JOB_ID_PATTERN.test(jobId) ? await ctx.services.catalog.findJob(jobId) : null;
    if (job === null || !PUBLIC_ID_PATTERN.test(sharedBy)) return { replies: [text(ctx.t("jobs:not_found"))] };
    if (job.status !== "open") return { replies: [text(ctx.t("referrals:refused.job_closed"))] };
    if (sharedBy === ctx.user._id) return { replies: [text(ctx.t("referrals:refused.self_referral"))] };
    return {
      startFlow: "apply",
      data: { jobId, sharedBy },
      replies: [text(ctx.t("referrals:apply.intro", { job: job.title[ctx.user.language] }))],
    };
  },
};
