import { twoPerRow } from "../../engine/button-layout.ts";
import type { JobDoc } from "../../../core/catalog/catalog-models.ts";
import { newJobId } from "../../../core/catalog/catalog-service.ts";
import {
  CATEGORIES,
  CATEGORY_IDS,
  EMPLOYMENT_TYPES,
  REGION_IDS,
  REGIONS,
  townshipLabel,
  townshipsOf,
  type RegionId,
} from "../../../core/catalog/taxonomy.ts";
import type { Flow, FlowContext } from "../../engine/contract.ts";
import { stringField } from "../../engine/flow-data.ts";
import { jobCardText } from "../jobs/job-view.ts";
import { askText, auditRecruit, text } from "./recruit-common.ts";
import { parseSalaryInput } from "../../../core/values/money.ts";
import type { RecruitServices } from "./services.ts";

/** `300000-500000`, `3-5 သိန်း`, `3 သိန်း - 5 သိန်း` → [min, max]. */
export function parseSalaryRange(input: string): [number, number] | undefined {
  const lakh = /သိန်း|lakh/i.test(input);
  const parts = input
    .replace(/သိန်း|lakhs?/gi, "")
    .split(/[-–~]|to/)
    .map((part) => part.trim())
    .filter((part) => part !== "");
  if (parts.length !== 2) return undefined;
  const [low, high] = parts.map((part) => parseSalaryInput(lakh ? `${part} lakh` : part));
  return low !== undefined && high !== undefined && low <= high ? [low, high] : undefined;
}

function draft(ctx: FlowContext<RecruitServices>): JobDoc {
  const now = ctx.now;
  const salary = ctx.data.salary as [number, number] | null | undefined;
  return {
    _id: stringField(ctx.data, "id") || newJobId(),
    companyId: stringField(ctx.data, "company"),
    title: { en: stringField(ctx.data, "title_en"), my: stringField(ctx.data, "title_my") },
    description: { en: stringField(ctx.data, "desc_en"), my: stringField(ctx.data, "desc_my") },
    category: stringField(ctx.data, "category") as JobDoc["category"],
    region: stringField(ctx.data, "region") as RegionId,
    township: stringField(ctx.data, "township"),
    salaryMin: salary?.[0] ?? null,
    salaryMax: salary?.[1] ?? null,
    employment: stringField(ctx.data, "employment") as JobDoc["employment"],
    bonus: typeof ctx.data.bonus === "number" ? ctx.data.bonus : 0,
    status: "open",
    postedAt: now,
    expiresAt: new Date(now.getTime() + 45 * 24 * 3600_000),
    createdBy: ctx.user._id,
  };
}

/** A recruiter adds one job, step by step, in both languages, sees it as people will, and publishes it. */
export const addJobFlow: Flow<RecruitServices> = {
  id: "addjob",
  gate: "jobs",
  first: "company",
  steps: {
    company: {
      render: async (ctx) => {
        const companies = await ctx.services.catalog.companies();
        if (companies.length === 0) return [text(ctx.t("recruit:no_companies"))];
        return [
          {
            kind: "text",
            text: ctx.t("recruit:ask_company"),
            buttons: twoPerRow(
              companies
                .slice(0, 20)
                .map((company) => ctx.stepButton(company.name[ctx.user.language].slice(0, 40), company._id)),
            ),
          },
        ];
      },
      handle: async (ctx, input) => {
        if (input.kind !== "value" || (await ctx.services.catalog.findCompany(input.value)) === null)
          return { stay: [] };
        ctx.data.company = input.value;
        return { to: "category" };
      },
    },
    category: {
      render: (ctx) => [
        {
          kind: "text",
          text: ctx.t("recruit:ask_category"),
          buttons: twoPerRow(CATEGORY_IDS.map((id) => ctx.stepButton(CATEGORIES[id][ctx.user.language], id))),
        },
      ],
      handle: (ctx, input) => {
        if (input.kind !== "value" || !(CATEGORY_IDS as string[]).includes(input.value)) return { stay: [] };
        ctx.data.category = input.value;
        return { to: "region" };
      },
    },
    region: {
      render: (ctx) => [
        {
          kind: "text",
          text: ctx.t("recruit:ask_region"),
          buttons: twoPerRow(REGION_IDS.map((id) => ctx.stepButton(REGIONS[id].name[ctx.user.language], id))),
        },
      ],
      handle: (ctx, input) => {
        if (input.kind !== "value" || !(REGION_IDS as string[]).includes(input.value)) return { stay: [] };
        ctx.data.region = input.value;
        return { to: "township" };
      },
    },
    township: {
      render: (ctx) => {
        const region = stringField(ctx.data, "region") as RegionId;
        return [
          {
            kind: "text",
            text: ctx.t("recruit:ask_township"),
            buttons: twoPerRow(
              townshipsOf(region).map((id) => ctx.stepButton(townshipLabel(region, id)?.[ctx.user.language] ?? id, id)),
            ),
          },
        ];
      },
      handle: (ctx, input) => {
        if (input.kind !== "value" || !townshipsOf(stringField(ctx.data, "region") as RegionId).includes(input.value))
          return { stay: [] };
        ctx.data.township = input.value;
        return { to: "title_en" };
      },
    },
    title_en: askText("recruit:ask_title_en", "title_en", "title_my", 120),
    title_my: askText("recruit:ask_title_my", "title_my", "desc_en", 120),
    desc_en: askText("recruit:ask_desc_en", "desc_en", "desc_my", 2000),
    desc_my: askText("recruit:ask_desc_my", "desc_my", "salary", 2000),
    salary: {
      render: (ctx) => [
        {
          kind: "text",
          text: ctx.t("recruit:ask_salary"),
          buttons: [[ctx.stepButton(ctx.t("recruit:negotiable"), "negotiable")]],
        },
      ],
      handle: (ctx, input) => {
        if (input.kind === "value" && input.value === "negotiable") {
          ctx.data.salary = null;
          return { to: "employment" };
        }
        const range = input.kind === "text" ? parseSalaryRange(input.text) : undefined;
        if (range === undefined) return { retry: [text(ctx.t("recruit:bad_salary"))] };
        ctx.data.salary = range;
        return { to: "employment" };
      },
    },
    employment: {
      render: (ctx) => [
        {
          kind: "text",
          text: ctx.t("recruit:ask_employment"),
          buttons: twoPerRow(
            Object.entries(EMPLOYMENT_TYPES).map(([id, label]) => ctx.stepButton(label[ctx.user.language], id)),
          ),
        },
      ],
      handle: (ctx, input) => {
        if (input.kind !== "value" || !(input.value in EMPLOYMENT_TYPES)) return { stay: [] };
        ctx.data.employment = input.value;
        return { to: "bonus" };
      },
    },
    bonus: {
      render: (ctx) => [text(ctx.t("recruit:ask_bonus"))],
      handle: (ctx, input) => {
        const value = input.kind === "text" ? Number(input.text.replace(/[,\s]/g, "")) : Number.NaN;
        if (!Number.isInteger(value) || value < 0 || value > 10_000_000)
          return { stay: [text(ctx.t("recruit:bad_bonus"))] };
        ctx.data.bonus = value;
        ctx.data.id = newJobId();
        return { to: "preview" };
      },
    },
    preview: {
      render: async (ctx) => {
        const job = draft(ctx);
        const as = async (language: "en" | "my") =>
          jobCardText({ ...ctx, user: { ...ctx.user, language }, t: ctx.services.translator.t(language) }, job);
        return [
          {
            kind: "text",
            text: ctx.t("recruit:preview", { en: await as("en"), my: await as("my") }),
            buttons: [[ctx.stepButton(ctx.t("recruit:publish"), "publish")]],
          },
        ];
      },
      handle: async (ctx, input) => {
        if (input.kind !== "value" || input.value !== "publish") return { stay: [] };
        const job = draft(ctx);
        await ctx.services.catalog.publish(job);
        await auditRecruit(ctx, "job.publish", job._id, null, {
          title: job.title.en,
          bonus: job.bonus,
          companyId: job.companyId,
        });
        return { done: [text(ctx.t("recruit:published", { id: job._id }))] };
      },
    },
  },
};
