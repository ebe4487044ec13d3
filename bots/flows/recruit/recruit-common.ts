import { roleFor } from "../../../core/admin/roles.ts";
import type { FlowContext, Step, StepInput, Transition } from "../../engine/contract.ts";
import { text } from "../../engine/replies.ts";
import type { RecruitServices } from "./services.ts";

export { text };

export async function auditRecruit(
  ctx: FlowContext<Pick<RecruitServices, "audit">>,
  action: string,
  target: string | null,
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
): Promise<void> {
  await ctx.services.audit.record({
    actorId: ctx.user._id,
    actorRole: roleFor(ctx.user, "jobs"),
    channel: ctx.channel,
    action,
    target,
    before,
    after,
  });
}

/** A step that asks for one line of text, stores it under `field`, and goes to `next`. */
export function askText(prompt: string, field: string, next: string, max: number): Step<RecruitServices> {
  return {
    render: (ctx) => [text(ctx.t(prompt))],
    handle: (ctx: FlowContext<RecruitServices>, input: StepInput): Transition => {
      if (input.kind !== "text" || input.text.trim() === "") return { stay: [text(ctx.t(prompt))] };
      if (input.text.length > max) return { stay: [text(ctx.t("recruit:too_long", { max }))] };
      ctx.data[field] = input.text.trim();
      return { to: next };
    },
  };
}
