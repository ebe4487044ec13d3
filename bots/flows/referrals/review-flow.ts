import { JOB_ID_PATTERN } from "../../../core/catalog/catalog-service.ts";
import { isAppError } from "../../../core/errors/app-error.ts";
import { MEDIA_LINK_MINUTES } from "../../../core/files/media-links.ts";
import {
  allowedMoves,
  REFERRAL_STATUSES,
  REJECT_REASONS,
  type ReferralStatus,
  type RejectReason,
} from "../../../core/referrals/pipeline.ts";
import { REFERRAL_ID_PATTERN } from "../../../core/referrals/referral-service.ts";
import { twoPerRow } from "../../engine/button-layout.ts";
import type { Action, ActionResult, Button, Flow, FlowContext, Reply, Transition } from "../../engine/contract.ts";
import { stringField } from "../../engine/flow-data.ts";
import { auditRecruit } from "../recruit/recruit-common.ts";
import { text } from "./candidate-steps.ts";
import { formatKyat } from "../../../core/values/money.ts";
import { formatDate } from "../../../core/values/yangon-time.ts";
import type { ReferralsServices } from "./services.ts";

const PAGE = 10;
const isStatus = (value: string): value is ReferralStatus => (REFERRAL_STATUSES as readonly string[]).includes(value);

async function jobsStep(ctx: FlowContext<ReferralsServices>): Promise<Reply[]> {
  const jobs = await ctx.services.referrals.activeJobs(PAGE);
  if (jobs.length === 0) return [text(ctx.t("referrals:review.no_active"))];
  const buttons: Button[][] = [];
  for (const { jobId, count } of jobs) {
    const job = await ctx.services.catalog.findJob(jobId);
    buttons.push([
      ctx.stepButton(`${jobId} · ${(job?.title[ctx.user.language] ?? "—").slice(0, 40)} (${count})`, `job:${jobId}`),
    ]);
  }
  return [{ kind: "text", text: ctx.t("referrals:review.jobs_title"), buttons }];
}

async function listStep(ctx: FlowContext<ReferralsServices>): Promise<Reply[]> {
  const jobId = stringField(ctx.data, "jobId");
  const job = await ctx.services.catalog.findJob(jobId);
  if (job === null) return [text(ctx.t("recruit:no_job", { id: jobId }))];
  const status = stringField(ctx.data, "status");
  const counts = await ctx.services.referrals.countsByStatus(jobId);
  const referrals = await ctx.services.referrals.byJob(jobId, isStatus(status) ? status : undefined, PAGE);
  const filter = REFERRAL_STATUSES.filter((value) => (counts[value] ?? 0) > 0).map((value) =>
    ctx.stepButton(`${ctx.t(`referrals:status.${value}`)} (${counts[value] ?? 0})`, `status:${value}`),
  );
  const lines = [
    ctx.t("referrals:review.list_title", {
      job: job.title[ctx.user.language],
      id: jobId,
      status: isStatus(status) ? ctx.t(`referrals:status.${status}`) : ctx.t("referrals:review.all"),
    }),
    ...referrals.map((referral) =>
      ctx.t("referrals:review.list_line", {
        ref: referral._id,
        name: referral.candidate.name,
        status: ctx.t(`referrals:status.${referral.status}`),
        date: formatDate(new Date(referral.createdAt), ctx.user.language),
      }),
    ),
  ];
  if (referrals.length === 0) lines.push(ctx.t("referrals:review.none"));
  return [
    {
      kind: "text",
      text: lines.join("\n"),
      buttons: [
        ...referrals.map((referral) => [
          ctx.stepButton(`${referral._id} · ${referral.candidate.name}`.slice(0, 60), `ref:${referral._id}`),
        ]),
        ...twoPerRow([...filter, ctx.stepButton(ctx.t("referrals:review.all"), "status:all")]),
      ],
    },
  ];
}

async function cardStep(ctx: FlowContext<ReferralsServices>, audited = true): Promise<Reply[]> {
  const ref = stringField(ctx.data, "ref");
  const referral = await ctx.services.referrals.find(ref);
  if (referral === null) return [text(ctx.t("referrals:not_found", { ref }))];
  const [job, referrer, media] = await Promise.all([
    ctx.services.catalog.findJob(referral.jobId),
    ctx.services.users.findUser(referral.referrerId),
    referral.cvMediaId === null ? null : ctx.services.media.vault.find(referral.cvMediaId),
  ]);
  // The card shows a candidate's phone: every opening is audited.
  if (audited) await auditRecruit(ctx, "referral.view", referral._id, null, null);
  const language = ctx.user.language;
  const history = referral.history.map((move) =>
    ctx.t("referrals:review.history_line", {
      date: formatDate(new Date(move.at), language),
      to: ctx.t(`referrals:status.${move.to}`),
      by: move.by,
      reason: move.reason === null ? "" : ` (${ctx.t(`referrals:reason.${move.reason}`)})`,
    }),
  );
  const cv = media === null ? ctx.t("referrals:cv_none") : ctx.t(`referrals:review.cv_${media.status}`);
  const body = ctx.t("referrals:review.card", {
    ref: referral._id,
    job: job?.title[language] ?? referral.jobId,
    jobId: referral.jobId,
    name: referral.candidate.name,
    phone: referral.candidate.phone,
    relationship:
      referral.relationship === null
        ? ctx.t("referrals:review.applied_via_link")
        : ctx.t(`referrals:relationship.${referral.relationship}`),
    referrer: `${referrer?.name ?? "—"} (${referral.referrerId})`,
    status: ctx.t(`referrals:status.${referral.status}`),
    bonus: formatKyat(referral.bonus, language),
    date: formatDate(new Date(referral.createdAt), language),
    cv,
  });
  const moves = allowedMoves(referral.status, "recruiter").map((to) =>
    ctx.stepButton(ctx.t(`referrals:move.${to}`), `to:${to}`),
  );
  const buttons = twoPerRow([
    ...moves,
    ...(media?.status === "stored" ? [ctx.stepButton(ctx.t("referrals:review.open_cv"), "cv")] : []),
  ]);
  return [
    {
      kind: "text",
      text: [body, ...(history.length > 0 ? [ctx.t("referrals:review.history"), ...history] : [])].join("\n"),
      buttons,
    },
  ];
}

async function moveTo(
  ctx: FlowContext<ReferralsServices>,
  to: ReferralStatus,
  reason: RejectReason | null,
): Promise<Transition> {
  const ref = stringField(ctx.data, "ref");
  try {
    const result = await ctx.services.referrals.move(ref, to, { userId: ctx.user._id, as: "recruiter" }, reason);
    if (!result.already)
      await auditRecruit(
        ctx,
        "referral.move",
        ref,
        { status: result.referral.history.at(-1)?.from ?? null },
        { status: to, reason },
      );
    const replies = [
      text(
        ctx.t(result.already ? "referrals:review.already" : "referrals:review.moved", {
          ref,
          status: ctx.t(`referrals:status.${to}`),
        }),
      ),
    ];
    if (to === "hired") {
      const rewards = await ctx.services.rewards.forReferral(ref);
      const lines = rewards.map((reward) =>
        ctx.t(reward.level === 0 ? "referrals:review.reward_referrer" : "referrals:review.reward_inviter", {
          id: reward.beneficiaryId,
          level: reward.level,
          amount: formatKyat(reward.amount, ctx.user.language),
        }),
      );
      replies.push(text([ctx.t("referrals:review.rewards_credited"), ...lines].join("\n")));
    }
    return { to: "card", replies };
  } catch (error) {
    if (isAppError(error) && (error.code === "move_not_allowed" || error.code === "moved_meanwhile")) {
      return { to: "card", replies: [text(ctx.t("referrals:review.move_refused", { ref }))] };
    }
    throw error;
  }
}

/**
 * Recruiters: jobs with open referrals → a job's referrals by status → one referral (audited) → move it; a rejection
 * asks for a reason.
 */
export const reviewReferralsFlow: Flow<ReferralsServices> = {
  id: "reviewrefs",
  gate: "referrals",
  first: "jobs",
  steps: {
    jobs: {
      render: jobsStep,
      handle: (ctx, input) => {
        if (input.kind === "value" && input.value.startsWith("job:")) {
          ctx.data.jobId = input.value.slice(4);
          ctx.data.status = "";
          return { to: "list" };
        }
        return { stay: [] };
      },
    },
    list: {
      render: listStep,
      handle: (ctx, input) => {
        if (input.kind !== "value") return { stay: [] };
        if (input.value.startsWith("ref:")) {
          ctx.data.ref = input.value.slice(4);
          return { to: "card" };
        }
        if (input.value.startsWith("status:")) {
          const status = input.value.slice(7);
          ctx.data.status = isStatus(status) ? status : "";
          return { stay: [] };
        }
        return { stay: [] };
      },
    },
    card: {
      render: (ctx) => cardStep(ctx),
      handle: async (ctx, input) => {
        if (input.kind !== "value") return { stay: [] };
        if (input.value === "cv") return { stay: [...(await openCv(ctx)), ...(await cardStep(ctx, false))] };
        const to = input.value.startsWith("to:") ? input.value.slice(3) : "";
        if (!isStatus(to)) return { stay: [] };
        if (to === "rejected") return { to: "reason" };
        return moveTo(ctx, to, null);
      },
    },
    reason: {
      render: (ctx) => [
        {
          kind: "text",
          text: ctx.t("referrals:review.ask_reason", { ref: stringField(ctx.data, "ref") }),
          buttons: REJECT_REASONS.map((reason) => [ctx.stepButton(ctx.t(`referrals:reason.${reason}`), reason)]),
        },
      ],
      handle: (ctx, input) => {
        if (input.kind !== "value" || !(REJECT_REASONS as readonly string[]).includes(input.value)) return { stay: [] };
        return moveTo(ctx, "rejected", input.value as RejectReason);
      },
    },
  },
};

/** A short-lived link to the decrypted CV; issuing it is audited. */
async function openCv(ctx: FlowContext<ReferralsServices>): Promise<Reply[]> {
  const ref = stringField(ctx.data, "ref");
  const referral = await ctx.services.referrals.find(ref);
  const media = referral?.cvMediaId == null ? null : await ctx.services.media.vault.find(referral.cvMediaId);
  if (referral === null || media === null || media.status !== "stored")
    return [text(ctx.t("referrals:review.cv_unavailable"))];
  const link = await ctx.services.media.links.issue(media._id, `cv-${referral._id}`);
  const file = await ctx.services.media.vault.read(media._id);
  await auditRecruit(ctx, "referral.cv_view", referral._id, null, { media: media._id });
  // The CV itself, to this chat only: uploaded on Telegram; on Viber and in the sandbox from the 15-minute link.
  return [
    {
      kind: "file",
      name: `cv-${referral._id}.${file.ext}`,
      mime: file.mime,
      bytes: file.bytes,
      link,
      caption: ctx.t("referrals:review.cv_caption", { ref: referral._id, minutes: MEDIA_LINK_MINUTES }),
    },
  ];
}

/** `/referrals`, `/referrals J2345AB` (a job) or `/referrals R2345678` (one referral). */
function openReview(ctx: FlowContext<ReferralsServices>, args: string) {
  const value = args.trim().toUpperCase();
  if (REFERRAL_ID_PATTERN.test(value)) return { startFlow: "reviewrefs", step: "card", data: { ref: value } };
  if (JOB_ID_PATTERN.test(value)) return { startFlow: "reviewrefs", step: "list", data: { jobId: value, status: "" } };
  return { startFlow: "reviewrefs" };
}

/** Finance: which hires wait for release, and `/release R2345678` (only when rewards are released by finance). */
async function financeOverview(ctx: FlowContext<ReferralsServices>): Promise<ActionResult> {
  const pending = await ctx.services.rewards.pendingReferrals(PAGE);
  const lines = [
    ctx.t(ctx.services.rewardRelease === "finance" ? "referrals:finance.title" : "referrals:finance.title_invoice"),
  ];
  for (const row of pending)
    lines.push(
      ctx.t("referrals:finance.line", {
        ref: row.referralId,
        amount: formatKyat(row.amount, ctx.user.language),
        people: row.people,
      }),
    );
  if (pending.length === 0) lines.push(ctx.t("referrals:finance.none"));
  return {
    replies: [
      {
        kind: "text",
        text: lines.join("\n"),
        buttons: [[{ label: ctx.t("payouts:finance.open_queue"), data: "m:admin.finance.payouts" }]],
      },
    ],
  };
}

export const reviewActions: Action<ReferralsServices>[] = [
  { id: "referrals", gate: "referrals", run: openReview },
  { id: "admin.referrals", gate: "referrals", run: (ctx) => openReview(ctx, "") },
  { id: "admin.finance", gate: "finance", run: financeOverview },
  {
    id: "release",
    gate: "finance",
    run: async (ctx, args) => {
      const ref = args.trim().toUpperCase();
      if (!REFERRAL_ID_PATTERN.test(ref)) return financeOverview(ctx);
      // With invoicing on, a hire that has an invoice is released by its payment; one without (a company not billed per
      // hire) by finance.
      if (ctx.services.rewardRelease !== "finance" && (await ctx.services.invoices.find(`INV${ref}`)) !== null)
        return { replies: [text(ctx.t("referrals:finance.invoice_mode"))] };
      const referral = await ctx.services.referrals.find(ref);
      if (referral === null) return { replies: [text(ctx.t("referrals:not_found", { ref }))] };
      if (referral.status !== "hired") return { replies: [text(ctx.t("referrals:finance.not_hired", { ref }))] };
      const released = await ctx.services.rewards.release(ref);
      if (released.length === 0) return { replies: [text(ctx.t("referrals:finance.nothing", { ref }))] };
      const total = released.reduce((sum, reward) => sum + reward.amount, 0);
      await auditRecruit(ctx, "rewards.release", ref, { status: "pending" }, { status: "available", total });
      return {
        replies: [
          text(
            ctx.t("referrals:finance.released", {
              ref,
              amount: formatKyat(total, ctx.user.language),
              people: released.length,
            }),
          ),
        ],
      };
    },
  },
];
