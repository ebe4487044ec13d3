import { formatKyat } from "../../../core/catalog/job-format.ts";
import type { ReferralDoc, ReferralMove } from "../../../core/referrals/referral-model.ts";
import { rewardNotices } from "../../../core/referrals/reward-notices.ts";
import { inAllLanguages } from "../../../core/i18n/translator.ts";
import type { Language } from "../../../core/users/user-model.ts";
import type { BotServices } from "../../engine/services.ts";

type Params = (language: Language) => Record<string, string | number>;

const both = (services: BotServices, key: string, params: Params): Record<Language, string> =>
  inAllLanguages(services.translator, key, params);

/**
 * Tells people what happened, in their own language on their own channel:
 * the referrer (and a candidate who applied through a link) at every move,
 * and everyone who earned a reward when it is credited or released. Each
 * notice has its own key, so a repeat (a retried move) sends nothing twice.
 */
export function installReferralNotices(services: BotServices): void {
  const { notifier, catalog } = services;
  services.referrals.onChanged = async (referral: ReferralDoc, move: ReferralMove) => {
    const job = await catalog.findJob(referral.jobId);
    const params: Params = (language) => ({
      ref: referral._id,
      name: referral.candidate.name,
      job: job?.title[language] ?? referral.jobId,
      status: services.translator.t(language)(`referrals:status.${move.to}`),
      reason: move.reason === null ? "" : services.translator.t(language)(`referrals:reason.${move.reason}`),
      bonus: formatKyat(referral.bonus, language),
    });
    const noticeKey = (audience: string) => `referral:${referral._id}:${move.to}:${audience}`;
    const referrerText =
      move.to === "hired"
        ? "referrals:notice.hired"
        : move.to === "rejected"
          ? "referrals:notice.rejected"
          : "referrals:notice.moved";
    if (move.by !== referral.referrerId) {
      await notifier.notify({
        userId: referral.referrerId,
        key: noticeKey("referrer"),
        text: both(services, referrerText, params),
        urgent: move.to === "hired",
      });
    }
    if (referral.candidateUserId !== null) {
      const candidateText =
        move.to === "rejected"
          ? "referrals:notice.candidate_rejected"
          : move.to === "hired"
            ? "referrals:notice.candidate_hired"
            : "referrals:notice.candidate_moved";
      await notifier.notify({
        userId: referral.candidateUserId,
        key: noticeKey("candidate"),
        text: both(services, candidateText, params),
      });
    }
  };
  const rewards = rewardNotices(services.translator, notifier);
  services.rewards.onCredited = rewards.onCredited;
  services.rewards.onReleased = rewards.onReleased;
}
