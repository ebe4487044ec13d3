import { inAllLanguages } from "../../../core/i18n/translator.ts";
import type { FlowContext, StepInput } from "../../engine/contract.ts";
import type { SupportServices } from "./services.ts";

/**
 * A photo or file someone sent into a ticket, taken in through the encrypted vault (the same intake as CVs): its
 * media id, or null when the input is not a file.
 */
export async function takeAttachment(ctx: FlowContext<SupportServices>, input: StepInput): Promise<string | null> {
  if (input.kind !== "photo" && input.kind !== "file") return null;
  return ctx.services.media.intake({
    ownerId: ctx.user._id,
    purpose: "support",
    transport: ctx.transport,
    fileRef: input.fileRef,
    rejectNotice: inAllLanguages(ctx.services.translator, "support:bad_attachment"),
  });
}
