import type { ResolvedUser } from "../../../core/users/user-service.ts";
import type { FlowContext, Reply } from "../../engine/contract.ts";
import { inviteCodeFrom } from "../../engine/engine.ts";
import { jobIdFrom } from "../jobs/job-links.ts";
import { languagePicker } from "../language/language-actions.ts";

/**
 * First contact and `/start`: welcome, what happened to an invite link, then
 * the language choice (pre-selected from the platform's hint, which only
 * decides the language of this first message) or, for someone who already
 * chose, the menu. One message, so a Viber welcome fits in the webhook answer.
 */
export async function handleStart(
  ctx: FlowContext,
  payload: string | undefined,
  resolved: ResolvedUser,
): Promise<
  Reply[] | { replies: Reply[]; startFlow: string; step: string; data: Record<string, unknown>; after?: Reply[] }
> {
  const lines = [ctx.t("onboarding:welcome", { name: ctx.user.name })];
  const jobId = jobIdFrom(payload);
  // A job link opened again by someone who already has an account just opens the job: nothing to say about invites.
  switch (jobId !== undefined && resolved.invite === "existing_user" ? "none" : resolved.invite) {
    case "recorded": {
      const inviter = ctx.user.invitedBy === null ? null : await ctx.services.users.findUser(ctx.user.invitedBy);
      if (inviter !== null) lines.push(ctx.t("onboarding:invited_by", { name: inviter.name }));
      break;
    }
    case "unknown":
      lines.push(ctx.t("onboarding:invite_unknown"));
      break;
    case "self":
      lines.push(ctx.t("onboarding:invite_self"));
      break;
    case "existing_user":
      lines.push(ctx.t("onboarding:invite_existing"));
      break;
    default:
      break;
  }
  // A shared job link opens the job first (the sharer is recorded for referrals), then, for a newcomer, the language
  // choice.
  if (jobId !== undefined && (await ctx.services.catalog.findJob(jobId)) !== null) {
    return {
      replies: [{ kind: "text", text: lines.join("\n") }],
      startFlow: "jobs",
      step: "job",
      data: { jobId, sharedBy: inviteCodeFrom(payload) ?? "", page: 1 },
      after: ctx.user.languageChosen ? [] : [languagePicker(ctx)],
    };
  }
  if (!ctx.user.languageChosen) return [languagePicker(ctx, lines.join("\n"))];
  return [{ kind: "text", text: `${lines.join("\n")}\n\n${ctx.t("common:menu.title")}`, buttons: ctx.menu() }];
}
