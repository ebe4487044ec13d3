import type { Feature } from "../../engine/feature.ts";
import { alertActions, alertsFlow } from "./alerts-flow.ts";
import { jobActions, jobSearchFlow, savedJobsFlow } from "./job-search-flow.ts";

/** Finding jobs: search, saved jobs, the job card and its actions, and job alerts. */
export const jobsFeature: Feature = {
  id: "jobs",
  flows: [jobSearchFlow, savedJobsFlow, alertsFlow],
  actions: [...jobActions, ...alertActions],
  commands: [
    { command: "jobs", action: "jobs" },
    { command: "saved", action: "saved" },
    { command: "alerts", action: "alerts" },
  ],
  menuEntries: [
    { action: "jobs", label: "jobs:menu_find" },
    { action: "saved", label: "jobs:menu_saved" },
    { action: "alerts", label: "alerts:menu", wide: true },
  ],
};
