import { roleFor } from "../../../core/admin/roles.ts";
import type { AuditFilter } from "../../../core/reports/finance-exports.ts";
import { yangonTime } from "../../../core/values/yangon-time.ts";
import { actionData } from "../../engine/button-data.ts";
import type { Action, Button, FlowContext } from "../../engine/contract.ts";
import { exportFormat, exportReply } from "../exports/export-reply.ts";
import type { AdminServices } from "./services.ts";

const PAGE_SIZE = 10;
/** A filter value that fits in button data (ids of people, payouts, broadcasts, …). */
const BUTTON_SAFE = /^[A-Z0-9_-]{1,24}$/;

interface AuditRequest {
  format: ReturnType<typeof exportFormat>;
  page: number;
  filter: AuditFilter;
  /** The filter as button-data words (`by.U2345678`), or null when it does not fit in button data. */
  words: string | null;
}

/**
 * `/audit [csv|xlsx] [p <page>] [by <id> | target <id>]`; buttons carry the same words joined by dots (button data
 * holds no spaces).
 */
export function parseAuditArgs(args: string): AuditRequest {
  const words = args.split(/[\s.]+/).filter(Boolean);
  const format = exportFormat(words[0]);
  if (format !== null) words.shift();
  let page = 0;
  if (words[0]?.toLowerCase() === "p") {
    page = Math.max(0, Math.min(1_000, Number.parseInt(words[1] ?? "0", 10) || 0));
    words.splice(0, 2);
  }
  const [kind = "", raw = ""] = words;
  const value = raw.toUpperCase();
  const filter: AuditFilter =
    kind.toLowerCase() === "by" ? { actorId: value } : kind.toLowerCase() === "target" ? { target: value } : {};
  const filterWords =
    filter.actorId !== undefined ? `by.${value}` : filter.target !== undefined ? `target.${value}` : "";
  return {
    format,
    page,
    filter,
    words: filterWords === "" ? "" : BUTTON_SAFE.test(value) ? filterWords : null,
  };
}

function pageButtons(ctx: FlowContext<AdminServices>, request: AuditRequest, hasOlder: boolean): Button[][] {
  if (request.words === null) return [];
  const suffix = request.words === "" ? "" : `.${request.words}`;
  const paging: Button[] = [];
  if (request.page > 0)
    paging.push({ label: ctx.t("admin:audit_newer"), data: actionData("audit", `p.${request.page - 1}${suffix}`) });
  if (hasOlder)
    paging.push({ label: ctx.t("admin:audit_older"), data: actionData("audit", `p.${request.page + 1}${suffix}`) });
  const files: Button[] = ["csv", "xlsx"].map((format) => ({
    label: ctx.t(`admin:audit_${format}`),
    data: actionData("audit", `${format}${suffix}`),
  }));
  return paging.length === 0 ? [files] : [paging, files];
}

/** The audit log ten entries a page, newest first, with older/newer buttons, or as a file. Reading it is audited. */
export const auditAction: Action<AdminServices> = {
  id: "audit",
  gate: "audit",
  run: async (ctx, args) => {
    const request = parseAuditArgs(args);
    if (request.format !== null) {
      const table = await ctx.services.exports.audit(ctx.t, request.filter);
      const reply = await exportReply(ctx, {
        table,
        format: request.format,
        section: "audit",
        action: "audit.export",
        filter: { ...request.filter },
      });
      return { replies: [reply] };
    }
    const entries = await ctx.services.audit.recent({
      ...request.filter,
      limit: PAGE_SIZE + 1,
      skip: request.page * PAGE_SIZE,
    });
    await ctx.services.audit.record({
      actorId: ctx.user._id,
      actorRole: roleFor(ctx.user, "audit"),
      channel: ctx.channel,
      action: "audit.view",
      target: null,
      after: { ...request.filter, page: request.page },
    });
    const lines = entries.slice(0, PAGE_SIZE).map((entry) =>
      ctx.t("admin:audit_line", {
        time: yangonTime(entry.at),
        actor: entry.actorId,
        role: entry.actorRole,
        action: entry.action,
        target: entry.target ?? "—",
      }),
    );
    const title =
      request.page === 0 ? ctx.t("admin:audit_title") : ctx.t("admin:audit_title_page", { page: request.page + 1 });
    return {
      replies: [
        {
          kind: "text",
          text: [
            title,
            ...(lines.length === 0 ? [ctx.t("admin:audit_empty")] : lines),
            "",
            ctx.t("admin:audit_usage"),
          ].join("\n"),
          buttons: pageButtons(ctx, request, entries.length > PAGE_SIZE),
          edit: true,
        },
      ],
      // Telegram keeps the menu on an earlier message and edits this one in place while paging; Viber's one keyboard
      // needs the menu beside the page buttons.
      menu: ctx.channel === "vb",
    };
  },
};
