import { LANGUAGES } from "../../../core/users/user-model.ts";
import type { FlowContext, StepInput } from "../../engine/contract.ts";
import type { SupportServices } from "./services.ts";

/**
 * A photo or file someone sent into a ticket, taken in through the encrypted vault (the same intake as CVs): its
 * media id, or null when the input is not a file.
 */
export async function takeAttachment(ctx: FlowContext<SupportServices>, input: StepInput): Promise<string | null> {
  const file =
    input.kind === "photo" ? { fileRef: input.fileRef } : input.kind === "file" ? { fileRef: input.fileRef } : null;
  if (file === null) return null;
  const notice = Object.fromEntries(
    LANGUAGES.map((language) => [language, ctx.services.translator.t(language)("support:bad_attachment")]),
  ) as Record<"en" | "my", string>;
  const mediaId = await ctx.services.media.vault.register({
    ownerId: ctx.user._id,
    purpose: "support",
    transport: ctx.transport,
    fileRef: file.fileRef,
    rejectNotice: notice,
  });
  await ctx.services.media.queue.ingest(mediaId);
  return mediaId;
}
