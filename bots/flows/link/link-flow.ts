import { LINK_CODE_MINUTES, LINK_CODE_PATTERN } from "../../../core/linking/link-service.ts";
import type { Action, Flow, FlowContext, StepInput, Transition } from "../../engine/contract.ts";
import type { LinkServices } from "./services.ts";

async function redeem(ctx: FlowContext<LinkServices>, raw: string): Promise<Transition> {
  const code = raw.replace(/[\s-]/g, "");
  if (!LINK_CODE_PATTERN.test(code)) return { stay: [{ kind: "text", text: ctx.t("link:bad_format") }] };
  const result = await ctx.services.links.redeem(code, ctx.chatKey);
  switch (result.kind) {
    case "linked": {
      const user = await ctx.services.users.findUser(result.userId);
      if (user !== null) ctx.user = user;
      ctx.t = ctx.services.translator.t(ctx.user.language);
      return { done: [{ kind: "text", text: ctx.t("link:linked") }] };
    }
    case "invalid":
      return { stay: [{ kind: "text", text: ctx.t("link:wrong_code", { count: result.attemptsLeft }) }] };
    case "locked":
      return { done: [{ kind: "text", text: ctx.t("link:locked") }] };
    case "same_account":
      return { done: [{ kind: "text", text: ctx.t("link:same_account") }] };
  }
}

const textOf = (input: StepInput): string | undefined => (input.kind === "text" ? input.text : undefined);

/** Account linking: show a one-time code here, or type the one shown on the other channel. */
export const linkFlow: Flow<LinkServices> = {
  id: "link",
  first: "choose",
  steps: {
    choose: {
      render: (ctx) => [
        {
          kind: "text",
          text: ctx.t("link:intro"),
          buttons: [
            [ctx.stepButton(ctx.t("link:show_code"), "show")],
            [ctx.stepButton(ctx.t("link:enter_code"), "enter")],
          ],
        },
      ],
      handle: async (ctx, input) => {
        if (input.kind === "value" && input.value === "show") {
          const { code } = await ctx.services.links.issue(ctx.user._id);
          return { done: [{ kind: "text", text: ctx.t("link:code_shown", { code, minutes: LINK_CODE_MINUTES }) }] };
        }
        if (input.kind === "value" && input.value === "enter") return { to: "code" };
        const typed = textOf(input);
        if (typed !== undefined) return redeem(ctx, typed);
        return { stay: [{ kind: "text", text: ctx.t("link:bad_format") }] };
      },
    },
    code: {
      render: (ctx) => [{ kind: "text", text: ctx.t("link:ask_code") }],
      handle: (ctx, input) => {
        const typed = textOf(input);
        return typed === undefined ? { stay: [{ kind: "text", text: ctx.t("link:bad_format") }] } : redeem(ctx, typed);
      },
    },
  },
};

export const linkAction: Action<LinkServices> = { id: "link", run: () => ({ startFlow: "link" }) };
