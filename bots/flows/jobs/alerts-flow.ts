import { twoPerRow } from "../../engine/button-layout.ts";
import type { AlertSub } from "../../../core/catalog/alert-service.ts";
import { MAX_ALERTS } from "../../../core/catalog/alert-service.ts";
import {
  CATEGORIES,
  CATEGORY_IDS,
  REGION_IDS,
  REGIONS,
  type CategoryId,
  type RegionId,
} from "../../../core/catalog/taxonomy.ts";
import type { Action, Button, Flow, FlowContext, Reply } from "../../engine/contract.ts";
import { stringField } from "../../engine/flow-data.ts";
import { text } from "../../engine/replies.ts";
import type { JobsServices } from "./services.ts";

export function alertLabel(ctx: FlowContext<JobsServices>, sub: Pick<AlertSub, "category" | "region">): string {
  const language = ctx.user.language;
  const parts = [
    sub.category === null ? undefined : CATEGORIES[sub.category][language],
    sub.region === null ? undefined : REGIONS[sub.region].name[language],
  ].filter((part) => part !== undefined);
  return parts.length === 0 ? ctx.t("alerts:everything") : parts.join(" · ");
}

/** Subscribes the person's current chat; the answer to show. */
export async function subscribe(
  ctx: FlowContext<JobsServices>,
  category: CategoryId | null,
  region: RegionId | null,
): Promise<string> {
  const identity = await ctx.services.users.findIdentity(ctx.chatKey);
  if (identity === null) return ctx.t("common:error");
  const result = await ctx.services.alerts.subscribe({
    userId: ctx.user._id,
    identityKey: identity._id,
    transport: identity.transport,
    category,
    region,
  });
  const label = alertLabel(ctx, { category, region });
  return result === "added"
    ? ctx.t("alerts:added", { label })
    : result === "exists"
      ? ctx.t("alerts:exists")
      : ctx.t("alerts:limit", { max: MAX_ALERTS });
}

async function list(ctx: FlowContext<JobsServices>): Promise<Reply[]> {
  const subs = await ctx.services.alerts.list(ctx.user._id);
  const lines =
    subs.length === 0
      ? [ctx.t("alerts:none")]
      : [ctx.t("alerts:title"), ...subs.map((sub) => ctx.t("alerts:item", { label: alertLabel(ctx, sub) }))];
  const buttons: Button[][] = subs.map((sub) => [
    ctx.stepButton(ctx.t("alerts:remove", { label: alertLabel(ctx, sub) }).slice(0, 60), `del:${sub.id}`),
  ]);
  if (subs.length < MAX_ALERTS) buttons.push([ctx.stepButton(ctx.t("alerts:add"), "add")]);
  return [{ kind: "text", text: lines.join("\n"), buttons }];
}

/** "Job alerts": see them, remove one in one tap, add one by category and/or region. */
export const alertsFlow: Flow<JobsServices> = {
  id: "alerts",
  first: "list",
  steps: {
    list: {
      render: list,
      handle: async (ctx, input) => {
        if (input.kind !== "value") return { stay: [] };
        if (input.value === "add") return { to: "category" };
        if (input.value.startsWith("del:")) {
          const id = input.value.slice(4);
          const sub = (await ctx.services.alerts.list(ctx.user._id)).find((candidate) => candidate.id === id);
          await ctx.services.alerts.unsubscribe(ctx.user._id, id);
          return {
            stay: [
              ...(sub === undefined ? [] : [text(ctx.t("alerts:removed", { label: alertLabel(ctx, sub) }))]),
              ...(await list(ctx)),
            ],
          };
        }
        return { stay: [] };
      },
    },
    category: {
      render: (ctx) => [
        {
          kind: "text",
          text: ctx.t("alerts:ask_category"),
          buttons: [
            ...twoPerRow(CATEGORY_IDS.map((id) => ctx.stepButton(CATEGORIES[id][ctx.user.language], id))),
            [ctx.stepButton(ctx.t("alerts:any_category"), "any")],
          ],
        },
      ],
      handle: (ctx, input) => {
        if (input.kind !== "value") return { stay: [] };
        ctx.data.category = (CATEGORY_IDS as string[]).includes(input.value) ? input.value : "";
        return { to: "region" };
      },
    },
    region: {
      render: (ctx) => [
        {
          kind: "text",
          text: ctx.t("alerts:ask_region"),
          buttons: [
            ...twoPerRow(REGION_IDS.map((id) => ctx.stepButton(REGIONS[id].name[ctx.user.language], id))),
            [ctx.stepButton(ctx.t("alerts:anywhere"), "any")],
          ],
        },
      ],
      handle: async (ctx, input) => {
        if (input.kind !== "value") return { stay: [] };
        const category = (stringField(ctx.data, "category") || null) as CategoryId | null;
        const region = ((REGION_IDS as string[]).includes(input.value) ? input.value : null) as RegionId | null;
        return { done: [text(await subscribe(ctx, category, region))] };
      },
    },
  },
};

export const alertActions: Action<JobsServices>[] = [{ id: "alerts", run: () => ({ startFlow: "alerts" }) }];
