import { actionData } from "../../engine/button-data.ts";
import { twoPerRow } from "../../engine/button-layout.ts";
import { JOB_ID_PATTERN } from "../../../core/catalog/catalog-service.ts";
import type { JobFilters } from "../../../core/catalog/job-index.ts";
import {
  CATEGORY_IDS,
  REGION_IDS,
  REGIONS,
  townshipLabel,
  townshipsOf,
  type CategoryId,
  type RegionId,
} from "../../../core/catalog/taxonomy.ts";
import type { Action, Button, Flow, FlowContext, Reply, Step, StepInput, Transition } from "../../engine/contract.ts";
import { stringField } from "../../engine/flow-data.ts";
import { subscribe } from "./alerts-flow.ts";
import { jobLinks } from "./job-links.ts";
import { categoryLabel, companyName, jobCardText, placeOf } from "./job-view.ts";
import { text } from "../../engine/replies.ts";
import { formatKyat, formatSalary, parseSalaryInput } from "../../../core/values/money.ts";
import type { JobsServices } from "./services.ts";

export const PAGE_SIZE = 5;

/** The filters kept in the flow's data between steps. */
function filtersOf(ctx: FlowContext<JobsServices>): JobFilters {
  const data = ctx.data;
  const minSalary = typeof data.minSalary === "number" ? data.minSalary : undefined;
  return {
    keyword: stringField(data, "keyword") || undefined,
    category: (stringField(data, "category") || undefined) as CategoryId | undefined,
    region: (stringField(data, "region") || undefined) as RegionId | undefined,
    township: stringField(data, "township") || undefined,
    minSalary,
  };
}

/** Each active filter with its label, for the summary and the "remove" buttons. */
function activeFilters(ctx: FlowContext<JobsServices>): Array<{ key: string; label: string }> {
  const f = filtersOf(ctx);
  const list: Array<{ key: string; label: string }> = [];
  if (f.keyword !== undefined) list.push({ key: "keyword", label: `“${f.keyword}”` });
  if (f.category !== undefined) list.push({ key: "category", label: categoryLabel(ctx, f.category) });
  if (f.region !== undefined) {
    const township = f.township === undefined ? undefined : townshipLabel(f.region, f.township)?.[ctx.user.language];
    list.push({ key: "region", label: township ?? REGIONS[f.region].name[ctx.user.language] });
  }
  if (f.minSalary !== undefined)
    list.push({
      key: "minSalary",
      label: ctx.t("jobs:min_salary", { amount: formatKyat(f.minSalary, ctx.user.language) }),
    });
  return list;
}

function dropFilter(ctx: FlowContext<JobsServices>, key: string): void {
  if (key === "region") {
    delete ctx.data.region;
    delete ctx.data.township;
  } else delete ctx.data[key];
  ctx.data.page = 1;
}

async function renderResults(ctx: FlowContext<JobsServices>): Promise<Reply[]> {
  const page = typeof ctx.data.page === "number" ? ctx.data.page : 1;
  const result = ctx.services.catalog.search(filtersOf(ctx), page, PAGE_SIZE);
  ctx.data.page = result.page;
  if (result.total === 0) {
    return [
      {
        kind: "text",
        text: ctx.t("jobs:none"),
        buttons: [
          ...activeFilters(ctx).map((filter) => [
            ctx.stepButton(ctx.t("jobs:drop", { filter: filter.label }), `drop:${filter.key}`),
          ]),
          [ctx.stepButton(ctx.t("alerts:alert_me"), "alert")],
          [ctx.stepButton(ctx.t("jobs:change"), "filters")],
        ],
      },
    ];
  }
  const header = ctx.t("jobs:results", { total: result.total, page: result.page, pages: result.pages });
  const lines: string[] = [header];
  const buttons: Button[] = [];
  const items: Array<{ title: string; detail: string; open: string; data: string }> = [];
  for (const [i, job] of result.jobs.entries()) {
    const n = (result.page - 1) * PAGE_SIZE + i + 1;
    const { name } = await companyName(ctx, job);
    const salary = formatSalary(job.salaryMin, job.salaryMax, ctx.user.language);
    lines.push(
      ctx.t("jobs:result_line", {
        n,
        title: job.title[ctx.user.language],
        company: name,
        place: placeOf(job, ctx),
        salary,
      }),
    );
    const button = ctx.stepButton(`${n}. ${job.title[ctx.user.language]}`.slice(0, 60), `job:${job._id}`);
    buttons.push(button);
    items.push({
      title: button.label,
      detail: `${name} · ${placeOf(job, ctx)} · ${salary}`,
      open: ctx.t("jobs:open_card"),
      data: "data" in button ? button.data : "",
    });
  }
  const paging: Button[] = [];
  if (result.page > 1) paging.push(ctx.stepButton(ctx.t("jobs:prev"), "prev"));
  if (result.page < result.pages) paging.push(ctx.stepButton(ctx.t("jobs:next"), "next"));
  return [
    {
      kind: "text",
      text: lines.join("\n\n"),
      cards: { header, items },
      buttons: [
        ...buttons.map((button) => [button]),
        ...(paging.length > 0 ? [paging] : []),
        [ctx.stepButton(ctx.t("alerts:alert_me"), "alert")],
        [ctx.stepButton(ctx.t("jobs:change"), "filters")],
      ],
    },
  ];
}

async function renderCard(ctx: FlowContext<JobsServices>): Promise<Reply[]> {
  const job = await ctx.services.catalog.findJob(stringField(ctx.data, "jobId"));
  if (job === null) return [text(ctx.t("jobs:not_found"))];
  const saved = (await ctx.services.catalog.savedJobs(ctx.user._id)).includes(job._id);
  const sharedBy = stringField(ctx.data, "sharedBy");
  const refer: Button[] = [];
  if (job.status === "open") {
    // Someone who came through a colleague's link may apply (credited to them); anyone may refer a candidate.
    if (sharedBy !== "" && sharedBy !== ctx.user._id)
      refer.push({ label: ctx.t("referrals:apply_button"), data: actionData("apply", `${job._id}_${sharedBy}`) });
    refer.push({
      label: ctx.t("referrals:refer_button", { bonus: formatKyat(job.bonus, ctx.user.language) }),
      data: actionData("refer", job._id),
    });
  }
  return [
    {
      kind: "text",
      text: await jobCardText(ctx, job),
      buttons: [
        ...refer.map((button) => [button]),
        [
          ctx.stepButton(ctx.t(saved ? "jobs:unsave" : "jobs:save"), "save"),
          ctx.stepButton(ctx.t("jobs:share"), "share"),
        ],
      ],
    },
  ];
}

async function share(ctx: FlowContext<JobsServices>): Promise<Reply[]> {
  const job = await ctx.services.catalog.findJob(stringField(ctx.data, "jobId"));
  if (job === null) return [text(ctx.t("jobs:not_found"))];
  const links = jobLinks(ctx.services.botLinks, job._id, ctx.user._id);
  const link = ctx.channel === "vb" ? links.viber : links.telegram;
  const { name } = await companyName(ctx, job);
  const shareText = ctx.t("jobs:share_text", {
    title: job.title[ctx.user.language],
    company: name,
    place: placeOf(job, ctx),
    salary: formatSalary(job.salaryMin, job.salaryMax, ctx.user.language),
    link,
  });
  const button =
    ctx.channel === "tg"
      ? {
          label: ctx.t("jobs:share_telegram"),
          url:
            `https://t.me/share/url?url=${encodeURIComponent(links.telegram)}` +
            `&text=${encodeURIComponent(shareText.replace(link, "").trim())}`,
        }
      : { label: ctx.t("jobs:share_viber"), url: `viber://forward?text=${encodeURIComponent(shareText)}` };
  return [{ kind: "text", text: ctx.t("jobs:share_intro", links), buttons: [[button]] }, text(shareText)];
}

function typedKeyword(ctx: FlowContext<JobsServices>, input: StepInput): Transition | undefined {
  if (input.kind !== "text" || input.text.trim() === "") return undefined;
  ctx.data.keyword = input.text.trim().slice(0, 100);
  ctx.data.page = 1;
  return { to: "results" };
}

/** The region filter (a township follows for a region that has them). */
const regionStep: Step<JobsServices> = {
  render: (ctx) => [
    {
      kind: "text",
      text: ctx.t("jobs:ask_region"),
      buttons: [
        ...twoPerRow(REGION_IDS.map((id) => ctx.stepButton(REGIONS[id].name[ctx.user.language], id))),
        [ctx.stepButton(ctx.t("jobs:any"), "any")],
      ],
    },
  ],
  handle: (ctx, input) => {
    if (input.kind !== "value") return typedKeyword(ctx, input) ?? { stay: [] };
    delete ctx.data.township;
    if (input.value === "any" || !(REGION_IDS as string[]).includes(input.value)) {
      delete ctx.data.region;
      return { to: "results" };
    }
    ctx.data.region = input.value;
    return { to: "township" };
  },
};

const regionOf = (ctx: FlowContext<JobsServices>): RegionId | undefined => {
  const region = stringField(ctx.data, "region");
  return (REGION_IDS as string[]).includes(region) ? (region as RegionId) : undefined;
};

const jobCardStep: Step<JobsServices> = {
  render: renderCard,
  handle: async (ctx, input) => {
    if (input.kind !== "value") return { stay: [] };
    if (input.value === "save") {
      const saved = await ctx.services.catalog.toggleSaved(ctx.user._id, stringField(ctx.data, "jobId"));
      return { stay: [text(ctx.t(saved ? "jobs:saved" : "jobs:unsaved")), ...(await renderCard(ctx))] };
    }
    if (input.value === "share") return { stay: await share(ctx) };
    return { stay: [] };
  },
};

/** Browse and search: filters (keyword, category, location, minimum salary) → paged results → job card. */
export const jobSearchFlow: Flow<JobsServices> = {
  id: "jobs",
  first: "filters",
  steps: {
    filters: {
      render: (ctx) => {
        const active = activeFilters(ctx);
        const summary =
          active.length === 0
            ? ctx.t("jobs:filters_none")
            : ctx.t("jobs:filters_current", { filters: active.map((filter) => filter.label).join(" · ") });
        const rows: Button[][] = [
          [ctx.stepButton(ctx.t("jobs:f_keyword"), "keyword"), ctx.stepButton(ctx.t("jobs:f_category"), "category")],
          [ctx.stepButton(ctx.t("jobs:f_location"), "region"), ctx.stepButton(ctx.t("jobs:f_salary"), "salary")],
          [ctx.stepButton(ctx.t("jobs:show"), "results")],
        ];
        if (active.length > 0) rows.push([ctx.stepButton(ctx.t("jobs:clear"), "clear")]);
        return [{ kind: "text", text: `${ctx.t("jobs:filters_title")}\n${summary}`, buttons: rows }];
      },
      handle: async (ctx, input) => {
        const typed = typedKeyword(ctx, input);
        if (typed !== undefined) return typed;
        if (input.kind !== "value") return { stay: [] };
        if (input.value === "clear") {
          for (const key of ["keyword", "category", "region", "township", "minSalary"]) delete ctx.data[key];
          return { stay: (await jobSearchFlow.steps.filters?.render(ctx)) ?? [] };
        }
        if (["keyword", "category", "region", "salary", "results"].includes(input.value)) {
          ctx.data.page = 1;
          return { to: input.value };
        }
        return { stay: [] };
      },
    },
    keyword: {
      render: (ctx) => [text(ctx.t("jobs:ask_keyword"))],
      handle: (ctx, input) => typedKeyword(ctx, input) ?? { stay: [text(ctx.t("jobs:ask_keyword"))] },
    },
    category: {
      render: (ctx) => [
        {
          kind: "text",
          text: ctx.t("jobs:ask_category"),
          buttons: [
            ...twoPerRow(CATEGORY_IDS.map((id) => ctx.stepButton(categoryLabel(ctx, id), id))),
            [ctx.stepButton(ctx.t("jobs:any"), "any")],
          ],
        },
      ],
      handle: (ctx, input) => {
        if (input.kind !== "value") return typedKeyword(ctx, input) ?? { stay: [] };
        if (input.value === "any") delete ctx.data.category;
        else if ((CATEGORY_IDS as string[]).includes(input.value)) ctx.data.category = input.value;
        return { to: "results" };
      },
    },
    region: regionStep,
    // Reached by Back after the region filter was removed: without a region it asks for the region again.
    township: {
      render: (ctx) => {
        const region = regionOf(ctx);
        if (region === undefined) return regionStep.render(ctx);
        const name = REGIONS[region].name[ctx.user.language];
        const buttons = townshipsOf(region).map((id) =>
          ctx.stepButton(townshipLabel(region, id)?.[ctx.user.language] ?? id, id),
        );
        return [
          {
            kind: "text",
            text: ctx.t("jobs:ask_township", { region: name }),
            buttons: [...twoPerRow(buttons), [ctx.stepButton(ctx.t("jobs:whole_region", { region: name }), "any")]],
          },
        ];
      },
      handle: (ctx, input) => {
        const region = regionOf(ctx);
        if (region === undefined) return regionStep.handle(ctx, input);
        if (input.kind !== "value") return typedKeyword(ctx, input) ?? { stay: [] };
        if (townshipsOf(region).includes(input.value)) ctx.data.township = input.value;
        return { to: "results" };
      },
    },
    salary: {
      render: (ctx) => [
        { kind: "text", text: ctx.t("jobs:ask_salary"), buttons: [[ctx.stepButton(ctx.t("jobs:any"), "any")]] },
      ],
      handle: (ctx, input) => {
        if (input.kind === "value" && input.value === "any") {
          delete ctx.data.minSalary;
          return { to: "results" };
        }
        const amount = input.kind === "text" ? parseSalaryInput(input.text) : undefined;
        if (amount === undefined) return { retry: [text(ctx.t("jobs:bad_salary"))] };
        ctx.data.minSalary = amount;
        return { to: "results" };
      },
    },
    results: {
      render: renderResults,
      handle: async (ctx, input) => {
        const typed = typedKeyword(ctx, input);
        if (typed !== undefined) return { stay: await renderResults(ctx) };
        if (input.kind !== "value") return { stay: [] };
        const page = typeof ctx.data.page === "number" ? ctx.data.page : 1;
        if (input.value === "next" || input.value === "prev") {
          ctx.data.page = input.value === "next" ? page + 1 : page - 1;
          return { stay: await renderResults(ctx) };
        }
        if (input.value === "filters") return { to: "filters" };
        if (input.value === "alert") {
          const { category, region } = filtersOf(ctx);
          if (category === undefined && region === undefined)
            return { stay: [text(ctx.t("alerts:need_filter")), ...(await renderResults(ctx))] };
          return {
            stay: [text(await subscribe(ctx, category ?? null, region ?? null)), ...(await renderResults(ctx))],
          };
        }
        if (input.value.startsWith("drop:")) {
          dropFilter(ctx, input.value.slice(5));
          return { stay: await renderResults(ctx) };
        }
        if (input.value.startsWith("job:")) {
          ctx.data.jobId = input.value.slice(4);
          return { to: "job" };
        }
        return { stay: [] };
      },
    },
    job: jobCardStep,
  },
};

/** "Saved jobs": the list (closed ones marked), each opening its card. */
async function savedList(ctx: FlowContext<JobsServices>): Promise<Reply[]> {
  const ids = await ctx.services.catalog.savedJobs(ctx.user._id);
  if (ids.length === 0) return [text(ctx.t("jobs:saved_none"))];
  const lines = [ctx.t("jobs:saved_title")];
  const buttons: Button[][] = [];
  const items: Array<{ title: string; detail: string; open: string; data: string }> = [];
  for (const [i, id] of ids.slice(0, 10).entries()) {
    const job = await ctx.services.catalog.findJob(id);
    if (job === null) continue;
    const { name } = await companyName(ctx, job);
    lines.push(
      ctx.t("jobs:saved_line", {
        n: i + 1,
        title: job.title[ctx.user.language],
        company: name,
        closed: job.status === "open" ? "" : ctx.t("jobs:closed_mark"),
      }),
    );
    const button = ctx.stepButton(`${i + 1}. ${job.title[ctx.user.language]}`.slice(0, 60), `job:${job._id}`);
    buttons.push([button]);
    items.push({
      title: button.label,
      detail: `${name} · ${placeOf(job, ctx)}${job.status === "open" ? "" : ` · ${ctx.t("jobs:closed_mark").trim()}`}`,
      open: ctx.t("jobs:open_card"),
      data: "data" in button ? button.data : "",
    });
  }
  return [{ kind: "text", text: lines.join("\n"), cards: { header: ctx.t("jobs:saved_title"), items }, buttons }];
}

export const savedJobsFlow: Flow<JobsServices> = {
  id: "saved",
  first: "list",
  steps: {
    list: {
      render: savedList,
      handle: (ctx, input) => {
        if (input.kind === "value" && input.value.startsWith("job:")) {
          ctx.data.jobId = input.value.slice(4);
          return { to: "job" };
        }
        return { stay: [] };
      },
    },
    job: jobCardStep,
  },
};

export const jobActions: Action<JobsServices>[] = [
  // `/jobs driver`, or text typed at the menu: straight to the results for that keyword; when nothing matches, a hint
  // (what was typed may not have been a search) with the menu.
  {
    id: "jobs",
    run: (ctx, args) => {
      const keyword = args.trim().slice(0, 100);
      if (keyword === "") return { startFlow: "jobs", data: { page: 1 } };
      if (ctx.services.catalog.search({ keyword }, 1, 1).total === 0)
        return { replies: [text(ctx.t("jobs:typed_none", { text: keyword }))] };
      return { startFlow: "jobs", step: "results", data: { page: 1, keyword } };
    },
  },
  { id: "saved", run: () => ({ startFlow: "saved" }) },
  // A job alert's "Open the job": the card, with its actions.
  {
    id: "openjob",
    run: (ctx, args) => {
      const jobId = args.trim().toUpperCase();
      return JOB_ID_PATTERN.test(jobId)
        ? { startFlow: "jobs", step: "job", data: { jobId, page: 1 } }
        : { replies: [text(ctx.t("jobs:not_found"))] };
    },
  },
];
