import { IMPORT_MAX_BYTES, parseJobImport } from "../../../core/catalog/job-import.ts";
import type { JobDoc } from "../../../core/catalog/catalog-models.ts";
import { isAppError } from "../../../core/errors/app-error.ts";
import type { Flow } from "../../engine/contract.ts";
import { auditRecruit, text } from "./recruit-common.ts";
import type { RecruitServices } from "./services.ts";

const SHOWN_PROBLEMS = 15;

/**
 * Import many jobs from a CSV or JSON file: validated row by row; any bad row rejects the whole file; nothing
 * half-imported.
 */
export const importJobsFlow: Flow<RecruitServices> = {
  id: "importjobs",
  gate: "jobs",
  first: "file",
  steps: {
    file: {
      render: (ctx) => [text(ctx.t("recruit:ask_file"))],
      handle: async (ctx, input) => {
        if (input.kind !== "file") return { stay: [text(ctx.t("recruit:not_a_file"))] };
        let bytes: Buffer;
        try {
          bytes = await ctx.services.files.fetch(ctx.transport, input.fileRef, IMPORT_MAX_BYTES);
        } catch (error) {
          const code =
            isAppError(error) && (error.code === "file_too_large" || error.code === "file_expired")
              ? error.code
              : "other";
          return { stay: [text(ctx.t("recruit:file_failed", { reason: ctx.t(`recruit:reason.${code}`) }))] };
        }
        const companyIds = new Set((await ctx.services.catalog.companies()).map((company) => company._id));
        const result = parseJobImport(bytes, input.name, { companyIds, createdBy: ctx.user._id, now: ctx.now });
        if (!result.ok) {
          const lines = result.problems
            .slice(0, SHOWN_PROBLEMS)
            .map((problem) => ctx.t("recruit:problem", { line: problem.line, message: problem.message }));
          if (result.problems.length > SHOWN_PROBLEMS)
            lines.push(ctx.t("recruit:more", { count: result.problems.length - SHOWN_PROBLEMS }));
          await auditRecruit(ctx, "job.import_rejected", null, null, {
            problems: result.problems.length,
            file: input.name ?? null,
          });
          return {
            stay: [text(ctx.t("recruit:rejected", { count: result.problems.length, problems: lines.join("\n") }))],
          };
        }
        ctx.data.jobs = result.jobs;
        return { to: "confirm" };
      },
    },
    confirm: {
      render: (ctx) => {
        const count = Array.isArray(ctx.data.jobs) ? ctx.data.jobs.length : 0;
        return [
          {
            kind: "text",
            text: ctx.t("recruit:import_ready", { count }),
            buttons: [[ctx.stepButton(ctx.t("recruit:import_publish", { count }), "publish")]],
          },
        ];
      },
      handle: async (ctx, input) => {
        if (input.kind !== "value" || input.value !== "publish" || !Array.isArray(ctx.data.jobs)) return { stay: [] };
        const jobs = (ctx.data.jobs as JobDoc[]).map((job) => ({
          ...job,
          postedAt: new Date(job.postedAt),
          expiresAt: new Date(job.expiresAt),
        }));
        await ctx.services.catalog.publishMany(jobs);
        await auditRecruit(ctx, "job.import", null, null, {
          count: jobs.length,
          ids: jobs.slice(0, 50).map((job) => job._id),
        });
        return { done: [text(ctx.t("recruit:imported", { count: jobs.length }))] };
      },
    },
  },
};
