import { formatKyat } from "../catalog/job-format.ts";
import { inAllLanguages, type Translator } from "../i18n/translator.ts";
import type { NotificationService } from "../notifications/notification-service.ts";
import type { RewardDoc } from "./reward-service.ts";

/**
 * What people hear about their rewards, wherever the reward moved (a recruiter's
 * move in the web process, a reconciliation in a worker): inviters when their
 * commission is credited, everyone when a reward becomes available. One key each.
 */
export function rewardNotices(translator: Translator, notifier: NotificationService) {
  return {
    onCredited: async (reward: RewardDoc): Promise<void> => {
      // The referrer's own bonus is in the "hired" notice; inviters hear about their commission.
      if (reward.level === 0) return;
      await notifier.notify({
        userId: reward.beneficiaryId,
        key: `reward:${reward._id}:credited`,
        text: inAllLanguages(translator, "referrals:notice.commission", (language) => ({
          amount: formatKyat(reward.amount, language),
          level: reward.level,
        })),
      });
    },
    onReleased: async (reward: RewardDoc): Promise<void> => {
      await notifier.notify({
        userId: reward.beneficiaryId,
        key: `reward:${reward._id}:released`,
        text: inAllLanguages(translator, "referrals:notice.released", (language) => ({
          amount: formatKyat(reward.amount, language),
          ref: reward.referralId,
        })),
      });
    },
  };
}
