import type { Core } from "../../../core/app/create-core.ts";
import { roleFor } from "../../../core/admin/roles.ts";
import { NOTICE_AHEAD_MS, parseWindow } from "../../../core/maintenance/maintenance-service.ts";
import { toAsciiDigits } from "../../../core/myanmar/index.ts";
import { yangonTime } from "../../../core/values/yangon-time.ts";
import type { Action, FlowContext } from "../../engine/contract.ts";
import { text } from "../../engine/replies.ts";

export type MaintenanceServices = Pick<Core, "maintenance">;

const actor = (ctx: FlowContext<MaintenanceServices>) => ({
  userId: ctx.user._id,
  role: roleFor(ctx.user, "roles"),
  channel: ctx.channel,
});

/**
 * `/maintenance` (owners): the windows planned; `/maintenance 2026-12-06 02:00 2h "reason"` plans one (Yangon time);
 * `/maintenance off` ends the current or next one now.
 */
export const maintenanceAction: Action<MaintenanceServices> = {
  id: "maintenance",
  // Owners only: the roles section is the owners' own.
  gate: "roles",
  run: async (ctx, args) => {
    const words = toAsciiDigits(args).trim();
    if (words.toLowerCase() === "off") {
      const ended = await ctx.services.maintenance.off(actor(ctx));
      return {
        replies: [text(ended === null ? ctx.t("maintenance:none") : ctx.t("maintenance:ended", { id: ended._id }))],
      };
    }
    if (words === "") {
      const planned = await ctx.services.maintenance.upcoming();
      const lines = planned.map((window) =>
        ctx.t("maintenance:line", {
          id: window._id,
          start: yangonTime(new Date(window.startsAt)),
          end: yangonTime(new Date(window.endsAt)).slice(11),
          reason: window.reason,
        }),
      );
      return {
        replies: [
          text(
            [...(lines.length === 0 ? [ctx.t("maintenance:none")] : lines), "", ctx.t("maintenance:usage")].join("\n"),
          ),
        ],
      };
    }
    const parsed = parseWindow(words);
    if (parsed === null || parsed.startsAt <= ctx.now) return { replies: [text(ctx.t("maintenance:usage"))] };
    const window = await ctx.services.maintenance.schedule({ ...parsed, actor: actor(ctx) });
    const noticeAt = new Date(Math.max(ctx.now.getTime(), window.startsAt.getTime() - NOTICE_AHEAD_MS));
    return {
      replies: [
        text(
          ctx.t("maintenance:scheduled", {
            id: window._id,
            start: yangonTime(window.startsAt),
            end: yangonTime(window.endsAt).slice(11),
            notice: yangonTime(noticeAt),
          }),
        ),
      ],
    };
  },
};
