import { JOB_ID_PATTERN } from "../../../core/catalog/catalog-service.ts";
import type { Flow, FlowContext, Reply } from "../../engine/contract.ts";
import { stringField } from "../../engine/flow-data.ts";
import { jobCardText } from "../jobs/job-view.ts";
import { auditRecruit, text } from "./recruit-common.ts";
import { formatKyat } from "../../../core/values/money.ts";
import type { RecruitServices } from "./services.ts";

async function card(ctx: FlowContext<RecruitServices>): Promise<Reply[]> {
  const id = stringField(ctx.data, "jobId");
  const job = await ctx.services.catalog.findJob(id);
  if (job === null) return [text(ctx.t("recruit:no_job", { id }))];
  return [
    {
      kind: "text",
      text: ctx.t("recruit:job_card", {
        card: await jobCardText(ctx, job),
        status: ctx.t(`recruit:status.${job.status}`),
        id: job._id,
      }),
      buttons: [
        [
          ctx.stepButton(
            ctx.t(job.status === "open" ? "recruit:close" : "recruit:reopen"),
            job.status === "open" ? "close" : "reopen",
          ),
          ctx.stepButton(ctx.t("recruit:edit_bonus"), "bonus"),
        ],
      ],
    },
  ];
}

/** `/job <id>`: close or reopen a job, or change its bonus; audited. */
export const manageJobFlow: Flow<RecruitServices> = {
  id: "managejob",
  gate: "jobs",
  first: "card",
  steps: {
    card: {
      render: card,
      handle: async (ctx, input) => {
        if (input.kind !== "value") return { stay: [] };
        const id = stringField(ctx.data, "jobId");
        if (input.value === "close" || input.value === "reopen") {
          const before = await ctx.services.catalog.findJob(id);
          const status = input.value === "close" ? "closed" : "open";
          await ctx.services.catalog.setStatus(id, status);
          await auditRecruit(ctx, `job.${input.value}`, id, { status: before?.status ?? null }, { status });
          return {
            stay: [
              text(ctx.t(input.value === "close" ? "recruit:closed" : "recruit:reopened", { id })),
              ...(await card(ctx)),
            ],
          };
        }
        if (input.value === "bonus") return { to: "bonus" };
        return { stay: [] };
      },
    },
    bonus: {
      render: (ctx) => [text(ctx.t("recruit:ask_bonus"))],
      handle: async (ctx, input) => {
        const value = input.kind === "text" ? Number(input.text.replace(/[,\s]/g, "")) : Number.NaN;
        if (!Number.isInteger(value) || value < 0 || value > 10_000_000)
          return { stay: [text(ctx.t("recruit:bad_bonus"))] };
        const id = stringField(ctx.data, "jobId");
        const before = await ctx.services.catalog.findJob(id);
        await ctx.services.catalog.setBonus(id, value);
        await auditRecruit(ctx, "job.bonus", id, { bonus: before?.bonus ?? null }, { bonus: value });
        return { done: [text(ctx.t("recruit:bonus_set", { id, bonus: formatKyat(value, ctx.user.language) }))] };
      },
    },
  },
};

export const isJobId = (value: string): boolean => JOB_ID_PATTERN.test(value.toUpperCase());
