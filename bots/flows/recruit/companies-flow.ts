import type { Flow, FlowContext, Reply } from "../../engine/contract.ts";
import { stringField } from "../../engine/flow-data.ts";
import { askText, auditRecruit, text } from "./recruit-common.ts";
import type { RecruitServices } from "./services.ts";

async function list(ctx: FlowContext<RecruitServices>): Promise<Reply[]> {
  const companies = await ctx.services.catalog.companies();
  const lines = [
    ctx.t("recruit:companies_title"),
    ...companies.map((company) =>
      ctx.t("recruit:company_line", {
        id: company._id,
        name: company.name[ctx.user.language],
        verified: company.verified ? " ✓" : "",
        contact: company.contact || "—",
      }),
    ),
  ];
  return [
    {
      kind: "text",
      text: lines.join("\n"),
      buttons: [
        [ctx.stepButton(ctx.t("recruit:add_company"), "add")],
        // Unverified companies first: they are the ones needing a decision.
        ...[...companies]
          .sort((a, b) => Number(a.verified) - Number(b.verified))
          .slice(0, 12)
          .map((company) => [
            ctx.stepButton(
              ctx.t(company.verified ? "recruit:unverify" : "recruit:verify", { id: company._id }),
              `${company.verified ? "unverify" : "verify"}:${company._id}`,
            ),
          ]),
      ],
    },
  ];
}

/** Companies: the list, verify / unverify, add one. Audited. */
export const companiesFlow: Flow<RecruitServices> = {
  id: "companies",
  gate: "jobs",
  first: "list",
  steps: {
    list: {
      render: list,
      handle: async (ctx, input) => {
        if (input.kind !== "value") return { stay: [] };
        if (input.value === "add") return { to: "name_en" };
        const [action, id = ""] = input.value.split(":");
        if (action === "verify" || action === "unverify") {
          const updated = await ctx.services.catalog.setVerified(id, action === "verify");
          if (updated !== null)
            await auditRecruit(
              ctx,
              `company.${action}`,
              id,
              { verified: action !== "verify" },
              { verified: action === "verify" },
            );
          return {
            stay: [
              text(ctx.t(action === "verify" ? "recruit:company_verified" : "recruit:company_unverified", { id })),
              ...(await list(ctx)),
            ],
          };
        }
        return { stay: [] };
      },
    },
    name_en: askText("recruit:ask_company_en", "name_en", "name_my", 80),
    name_my: askText("recruit:ask_company_my", "name_my", "contact", 80),
    contact: {
      render: (ctx) => [text(ctx.t("recruit:ask_contact"))],
      handle: async (ctx, input) => {
        if (input.kind !== "text" || input.text.trim() === "") return { stay: [text(ctx.t("recruit:ask_contact"))] };
        const existing = await ctx.services.catalog.companies();
        const id = `C${String(existing.length + 1).padStart(3, "0")}`;
        const name = { en: stringField(ctx.data, "name_en"), my: stringField(ctx.data, "name_my") };
        await ctx.services.catalog.addCompany({
          _id: id,
          name,
          contact: input.text.trim().slice(0, 120),
          verified: false,
          billing: null,
          createdAt: ctx.now,
        });
        await auditRecruit(ctx, "company.add", id, null, { name: name.en });
        return { done: [text(ctx.t("recruit:company_added", { id, name: name[ctx.user.language] }))] };
      },
    },
  },
};
