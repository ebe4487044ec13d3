import { JOB_ID_PATTERN } from "../../../core/catalog/catalog-service.ts";
import { RELATIONSHIPS, type Relationship } from "../../../core/referrals/pipeline.ts";
import { twoPerRow } from "../../engine/button-layout.ts";
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
  summaryReply(
    ctx,
    "referrals:refer.summary",
    { relationship: ctx.t(`referrals:relationship.${stringField(ctx.data, "relationship")}`) },
    "referrals:confirm",
  );

/** Refer a candidate to a job: name → phone → optional CV → relationship → consent → summary → reference number. */
export const referFlow: Flow<ReferralsServices> = {
  id: "refer",
  first: "name",
  steps: {
    name: nameStep("candidate", "phone"),
    phone: phoneStep("candidate", "cv"),
    cv: cvStep("relationship"),
    relationship: {
      render: (ctx) => [
        {
          kind: "text",
          text: ctx.t("referrals:refer.ask_relationship", { name: stringField(ctx.data, "name") }),
          buttons: twoPerRow(
            RELATIONSHIPS.map((value) => ctx.stepButton(ctx.t(`referrals:relationship.${value}`), value)),
          ),
        },
      ],
      handle: (ctx, input) => {
        if (input.kind !== "value" || !(RELATIONSHIPS as readonly string[]).includes(input.value)) return { stay: [] };
        ctx.data.relationship = input.value;
        return { to: "consent" };
      },
    },
    consent: consentStep("candidate", "confirm"),
    confirm: confirmStep(
      summary,
      (ctx) => ({
        ...candidateFields(ctx),
        referrerId: ctx.user._id,
        submittedBy: ctx.user._id,
        source: "submitted",
        candidateUserId: null,
        relationship: stringField(ctx.data, "relationship") as Relationship,
      }),
      "referrals:refer.done",
    ),
  },
};

/** `m:refer:<jobId>` from a job card. A closed job is refused before any question. */
export const referAction: Action<ReferralsServices> = {
  id: "refer",
  run: async (ctx, args) => {
    const jobId = args.trim().toUpperCase();
    const job = JOB_ID_PATTERN.test(jobId) ? await ctx.services.catalog.findJob(jobId) : null;
    if (job === null) return { replies: [text(ctx.t("jobs:not_found"))] };
    if (job.status !== "open") return { replies: [text(ctx.t("referrals:refused.job_closed"))] };
    return {
      startFlow: "refer",
      data: { jobId },
      replies: [text(ctx.t("referrals:refer.intro", { job: job.title[ctx.user.language] }))],
    };
  },
};
