import type { EventHub } from "../events/event-hub.ts";
import type { Translator } from "../i18n/translator.ts";
import type { NotificationService } from "../notifications/notification-service.ts";
import type { Language } from "../users/user-model.ts";

/** Tells the person the review's outcome, and how to fix a rejection, in their language, once per decision. */
export function subscribeKycNotices(
  events: EventHub,
  { translator, notifier }: { translator: Translator; notifier: NotificationService },
): void {
  events.on("kyc.decided", async ({ submission }) => {
    const render = (language: Language) => {
      const t = translator.t(language);
      if (submission.status === "approved") return t("kyc:notice_approved");
      const reason = submission.reason ?? "other";
      return t("kyc:notice_rejected", {
        reason: submission.reasonText ?? t(`kyc:reason.${reason}`),
        fix: t(`kyc:fix.${reason}`),
      });
    };
    await notifier.notify({
      userId: submission.userId,
      key: `kyc:${submission._id}:${submission.status}`,
      text: { en: render("en"), my: render("my") } satisfies Record<Language, string>,
      urgent: true,
    });
  });
}
