import type { Core } from "../../../core/app/create-core.ts";
import { roleFor, type Section } from "../../../core/admin/roles.ts";
import { EXPORT_FORMATS, MIME, render, type ExportFormat, type Table } from "../../../core/reports/export-file.ts";
import { EXPORT_ROW_LIMIT } from "../../../core/reports/finance-exports.ts";
import type { FlowContext, Reply } from "../../engine/contract.ts";

/** The format a command's first word asks for (`csv`, `xlsx`), or null. */
export const exportFormat = (word: string | undefined): ExportFormat | null =>
  EXPORT_FORMATS.find((format) => format === (word ?? "").toLowerCase()) ?? null;

/**
 * An export as a file in the chat (Telegram uploads it; Viber gets a short-lived private link, since it fetches files
 * by URL), after recording who exported what in the audit log. A table at the row limit is refused politely.
 */
export async function exportReply(
  ctx: FlowContext<Pick<Core, "audit" | "media">>,
  input: { table: Table; format: ExportFormat; section: Section; action: string; filter?: Record<string, unknown> },
): Promise<Reply> {
  const { table, format } = input;
  if (table.rows.length >= EXPORT_ROW_LIMIT)
    return { kind: "text", text: ctx.t("exports:too_many", { limit: EXPORT_ROW_LIMIT }) };
  await ctx.services.audit.record({
    actorId: ctx.user._id,
    actorRole: roleFor(ctx.user, input.section),
    channel: ctx.channel,
    action: input.action,
    target: null,
    after: { format, rows: table.rows.length, ...(input.filter ?? {}) },
  });
  const bytes = await render(table, format);
  const name = `${table.name}.${format}`;
  const link = await ctx.services.media.links.issueBytes(bytes, MIME[format], name);
  return {
    kind: "file",
    name,
    mime: MIME[format],
    bytes,
    link,
    caption: ctx.t("exports:caption", { title: table.title, rows: table.rows.length, format: format.toUpperCase() }),
  };
}
