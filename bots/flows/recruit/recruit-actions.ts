import { actionData } from "../../engine/button-data.ts";
import type { Action } from "../../engine/contract.ts";
import { isJobId } from "./manage-job-flow.ts";
import { text } from "./recruit-common.ts";
import type { RecruitServices } from "./services.ts";

const menu: Action["run"] = (ctx) => ({
  replies: [
    {
      kind: "text",
      text: ctx.t("recruit:menu"),
      buttons: [
        [{ label: ctx.t("recruit:add"), data: actionData("addjob") }],
        [{ label: ctx.t("recruit:import"), data: actionData("importjobs") }],
        [{ label: ctx.t("recruit:companies"), data: actionData("companies") }],
      ],
    },
  ],
  menu: false,
});

/** The recruiter's tools: `/recruit` (and Jobs in /admin), `/job <id>`, and the flows they open. */
export const recruitActions: Action<RecruitServices>[] = [
  { id: "recruit", gate: "jobs", run: menu },
  { id: "admin.jobs", gate: "jobs", run: menu },
  { id: "addjob", gate: "jobs", run: () => ({ startFlow: "addjob" }) },
  { id: "importjobs", gate: "jobs", run: () => ({ startFlow: "importjobs" }) },
  { id: "companies", gate: "jobs", run: () => ({ startFlow: "companies" }) },
  {
    id: "job",
    gate: "jobs",
    run: (ctx, args) => {
      const id = args.trim().toUpperCase();
      if (!isJobId(id)) return { replies: [text(ctx.t("recruit:no_job", { id: args.trim() || "—" }))] };
      return { startFlow: "managejob", step: "card", data: { jobId: id } };
    },
  },
];
