import type { Feature } from "../../engine/feature.ts";
import { addJobFlow } from "./add-job-flow.ts";
import { companiesFlow } from "./companies-flow.ts";
import { importJobsFlow } from "./import-flow.ts";
import { manageJobFlow } from "./manage-job-flow.ts";
import { recruitActions } from "./recruit-actions.ts";

/** Recruiters: companies, adding, importing and managing jobs. */
export const recruitFeature: Feature = {
  id: "recruit",
  flows: [addJobFlow, importJobsFlow, manageJobFlow, companiesFlow],
  actions: recruitActions,
  // `/job J…` opens one job; it is typed from a recruiter's list rather than picked from the command menu.
  commands: [{ command: "job", action: "job" }],
  adminCommands: [{ command: "recruit", action: "recruit", gate: "jobs" }],
};
