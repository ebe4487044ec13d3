import type { CatalogService } from "../catalog/catalog-service.ts";
import type { EventHub } from "../events/event-hub.ts";
import { inAllLanguages, type Translator } from "../i18n/translator.ts";
import type { NotificationService } from "../notifications/notification-service.ts";
import type { Language } from "../users/user-model.ts";
import { formatKyat } from "../values/money.ts";
import type { ReferralDoc, ReferralMove } from "./referral-model.ts";
import type { RewardDoc } from "./reward-service.ts";

type Params = (language: Language) => Record<string, string | number>;

interface Deps {
  translator: Translator;
  notifier: NotificationService;
  catalog: Pick<CatalogService, "findJob">;
}

/**
 * Tells people what happened, in their own language on their own channel, wherever it happened (a recruiter's move
 * in the web process, a reconciliation in a worker): the referrer (and a candidate who applied through a link) at
 * every move, inviters when their commission is credited, everyone when a reward becomes available. Each notice has
 * its own key, so a repeat (a retried move) sends nothing twice.
 */
export function subscribeReferralNotices(events: EventHub, deps: Deps): void {
  events.on("referral.submitted", ({ referral }) => applied(deps, referral));
  events.on("referral.moved", ({ referral, move }) => moved(deps, referral, move));
  events.on("reward.credited", ({ reward }) => credited(deps, reward));
  events.on("reward.released", ({ reward }) => released(deps, reward));
}

/** Someone applied through a person's shared link: the sharer hears of it (they will be the referrer). */
async function applied({ translator, notifier, catalog }: Deps, referral: ReferralDoc) {
  if (referral.source !== "link") return;
  const job = await catalog.findJob(referral.jobId);
  await notifier.notify({
    userId: referral.referrerId,
    key: `referral:${referral._id}:applied:referrer`,
    text: inAllLanguages(translator, "referrals:notice.applied_via_link", (language) => ({
      ref: referral._id,
      name: referral.candidate.name,
      job: job?.title[language] ?? referral.jobId,
      bonus: formatKyat(referral.bonus, language),
    })),
  });
}

async function moved({ translator, notifier, catalog }: Deps, referral: ReferralDoc, move: ReferralMove) {
  const job = await catalog.findJob(referral.jobId);
  const params: Params = (language) => ({
    ref: referral._id,
    name: referral.candidate.name,
    job: job?.title[language] ?? referral.jobId,
    status: translator.t(language)(`referrals:status.${move.to}`),
    reason: move.reason === null ? "" : translator.t(language)(`referrals:reason.${move.reason}`),
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
      text: inAllLanguages(translator, referrerText, params),
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
      text: inAllLanguages(translator, candidateText, params),
      // Their way to have their details removed from the referral (a privacy right).
      button: { label: inAllLanguages(translator, "privacy:optout_button"), data: `m:optout:${referral._id}` },
    });
  }
}

async function credited({ translator, notifier }: Deps, reward: RewardDoc) {
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
}

async function released({ translator, notifier }: Deps, reward: RewardDoc) {
  await notifier.notify({
    userId: reward.beneficiaryId,
    key: `reward:${reward._id}:released`,
    text: inAllLanguages(translator, "referrals:notice.released", (language) => ({
      amount: formatKyat(reward.amount, language),
      ref: reward.referralId,
    })),
  });
}
