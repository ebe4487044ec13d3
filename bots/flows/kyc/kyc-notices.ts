import type { KycSubmissionDoc } from "../../../core/kyc/kyc-models.ts";
import type { Language } from "../../../core/users/user-model.ts";
import type { BotServices } from "../../engine/services.ts";

/** Tells the person the review's outcome, and how to fix a rejection, in their language, once per decision. */
export function installKycNotices(services: BotServices): void {
  services.kyc.onDecided = async (submission: KycSubmissionDoc) => {
    const render = (language: Language) => {
      const t = services.translator.t(language);
      if (submission.status === "approved") return t("kyc:notice_approved");
      const reason = submission.reason ?? "other";
      return t("kyc:notice_rejected", {
        reason: submission.reasonText ?? t(`kyc:reason.${reason}`),
        fix: t(`kyc:fix.${reason}`),
      });
    };
    await services.notifier.notify({
      userId: submission.userId,
      key: `kyc:${submission._id}:${submission.status}`,
      text: { en: render("en"), my: render("my") } satisfies Record<Language, string>,
      urgent: true,
    });
  };
}
