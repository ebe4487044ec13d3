import { JOB_ID_PATTERN } from "../../../core/catalog/catalog-service.ts";
import { RELATIONSHIPS, type Relationship } from "../../../core/referrals/pipeline.ts";
import { twoPerRow } from "../../engine/button-layout.ts";
import type { Action, Flow, FlowContext, Reply } from "../../engine/contract.ts";
import { stringField } from "../../engine/flow-data.ts";
import { candidateFields, confirmStep, consentStep, cvStep, jobTitle, nameStep, phoneStep, text } from "./candidate-steps.ts";

async function summary(ctx: FlowContext): Promise<Reply[]> {
  const job = await jobTitle(ctx, stringField(ctx.data, "jobId"));
  if (job === undefined) return [text(ctx.t("jobs:not_found"))];
  const cv = stringField(ctx.data, "cvMediaId") === "" ? ctx.t("referrals:cv_none") : ctx.t("referrals:cv_attached");
  return [
    {
      kind: "text",
      text: ctx.t("referrals:refer.summary", {
        job: job.title,
        name: stringField(ctx.data, "name"),
        phone: stringField(ctx.data, "phone"),
        relationship: ctx.t(`referrals:relationship.${stringField(ctx.data, "relationship")}`),
        cv,
        bonus: job.bonus,
      }),
      buttons: [[ctx.stepButton(ctx.t("referrals:confirm"), "confirm")]],
    },
  ];
}

/** Refer a candidate to a job: name → phone → optional CV → relationship → consent → summary → reference number. */
export const referFlow: Flow = {
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
          buttons: twoPerRow(RELATIONSHIPS.map((value) => ctx.stepButton(ctx.t(`referrals:relationship.${value}`), value))),
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
export const referAction: Action = {
  id: "refer",
  run: async (ctx, args) => {
    const jobId = args.trim().toUpperCase();
    const job = JOB_ID_PATTERN.test(jobId) ? await ctx.services.catalog.findJob(jobId) : null;
    if (job === null) return { replies: [text(ctx.t("jobs:not_found"))] };
    if (job.status !== "open") return { replies: [text(ctx.t("referrals:refused.job_closed"))] };
    return { startFlow: "refer", data: { jobId }, replies: [text(ctx.t("referrals:refer.intro", { job: job.title[ctx.user.language] }))] };
  },
};
