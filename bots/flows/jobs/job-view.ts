import type { CompanyDoc, JobDoc } from "../../../core/catalog/catalog-models.ts";
import { CATEGORIES, EMPLOYMENT_TYPES, placeLabel } from "../../../core/catalog/taxonomy.ts";
import type { FlowContext } from "../../engine/contract.ts";
import { formatKyat, formatSalary } from "../../../core/values/money.ts";
import { formatDate } from "../../../core/values/yangon-time.ts";
import type { JobsServices } from "./services.ts";

export function placeOf(job: JobDoc, ctx: FlowContext<Pick<JobsServices, "catalog">>): string {
  return placeLabel(job.region, job.township, ctx.user.language);
}

export async function companyName(
  ctx: FlowContext<Pick<JobsServices, "catalog">>,
  job: JobDoc,
): Promise<{ name: string; company: CompanyDoc | null }> {
  const company = await ctx.services.catalog.companyForDisplay(job.companyId);
  return { name: company?.name[ctx.user.language] ?? "—", company };
}

/** The job card text, in the person's language (salary and dates formatted for it). */
export async function jobCardText(ctx: FlowContext<Pick<JobsServices, "catalog">>, job: JobDoc): Promise<string> {
  const language = ctx.user.language;
  const { name, company } = await companyName(ctx, job);
  const text = ctx.t("jobs:card", {
    title: job.title[language],
    company: name,
    verified: company?.verified === true ? ctx.t("jobs:verified") : "",
    place: placeOf(job, ctx),
    salary: formatSalary(job.salaryMin, job.salaryMax, language),
    employment: EMPLOYMENT_TYPES[job.employment][language],
    bonus: formatKyat(job.bonus, language),
    posted: formatDate(new Date(job.postedAt), language),
    description: job.description[language],
  });
  return job.status === "open" ? text : `${ctx.t("jobs:closed_note")}\n\n${text}`;
}

export const categoryLabel = (ctx: FlowContext<Pick<JobsServices, "catalog">>, id: keyof typeof CATEGORIES) =>
  CATEGORIES[id][ctx.user.language];
