import { roleFor } from "../../../core/admin/roles.ts";
import { isAppError } from "../../../core/errors/app-error.ts";
import { MEDIA_LINK_MINUTES } from "../../../core/files/media-links.ts";
import { KYC_REJECT_REASONS, type KycRejectReason } from "../../../core/kyc/kyc-models.ts";
import { nrcLatin } from "../../../core/myanmar/nrc.ts";
import type { Action, Flow, FlowContext, Reply, Transition } from "../../engine/contract.ts";
import { stringField } from "../../engine/flow-data.ts";
import { queueStep } from "../admin/queue-step.ts";
import { text } from "../../engine/replies.ts";
import { formatDate } from "../../../core/values/yangon-time.ts";
import type { KycServices } from "./services.ts";

const reviewer = (ctx: FlowContext<KycServices>) => ({
  userId: ctx.user._id,
  role: roleFor(ctx.user, "kyc"),
  channel: ctx.channel,
});

async function queueScreen(ctx: FlowContext<KycServices>): Promise<Reply[]> {
  const waiting = await ctx.services.kyc.queue(10);
  if (waiting.length === 0) return [text(ctx.t("kycreview:empty"))];
  return [
    {
      kind: "text",
      text: [
        ctx.t("kycreview:queue_title", { count: waiting.length }),
        ...waiting.map((submission) =>
          ctx.t("kycreview:queue_line", {
            id: submission._id,
            date: formatDate(new Date(submission.submittedAt), ctx.user.language),
          }),
        ),
      ].join("\n"),
      buttons: waiting.map((submission) => [
        ctx.stepButton(
          `${submission._id} · ${formatDate(new Date(submission.submittedAt), ctx.user.language)}`,
          `open:${submission._id}`,
        ),
      ]),
    },
  ];
}

/** Opening is audited; the documents go to this chat only, as short-lived links to the decrypted files. */
async function submissionScreen(ctx: FlowContext<KycServices>): Promise<Reply[]> {
  const { submission, documents } = await ctx.services.kyc.open(stringField(ctx.data, "id"), reviewer(ctx));
  const others = await ctx.services.kyc.sameNrcElsewhere(submission);
  const flags = [
    ...(others.length > 0 ? [ctx.t("kycreview:flag_same_nrc", { users: others.join(", ") })] : []),
    ctx.t("kycreview:flag_wallet_name_later"),
  ];
  // The photos go to this chat only: uploaded on Telegram; on Viber and in the sandbox shown from a 15-minute link.
  const files: Reply[] = await Promise.all(
    documents.map(async (document) => ({
      kind: "file" as const,
      name: `${submission._id}-${document.kind}.${document.ext}`,
      mime: document.mime,
      bytes: document.bytes,
      link: await ctx.services.media.links.issue(
        submission.documents[document.kind],
        `kyc-${submission._id}-${document.kind}`,
        document.ext,
      ),
      caption: ctx.t(`kyc:document.${document.kind}`),
    })),
  );
  const body = ctx.t("kycreview:card", {
    id: submission._id,
    user: submission.userId,
    nrc: submission.nrc.burmese,
    latin: nrcLatin(submission.nrc),
    name: submission.fullName,
    dob: formatDate(new Date(submission.dateOfBirth), ctx.user.language),
    status: ctx.t(`kycreview:status.${submission.status}`),
  });
  const decided = submission.status !== "submitted";
  return [
    { kind: "text", text: [body, ctx.t("kycreview:flags"), ...flags.map((flag) => `• ${flag}`)].join("\n") },
    ...files,
    {
      kind: "text",
      text:
        documents.length === 0
          ? ctx.t("kycreview:documents_deleted")
          : ctx.t("kycreview:decide", { minutes: MEDIA_LINK_MINUTES }),
      buttons: decided
        ? []
        : [
            [
              ctx.stepButton(ctx.t("kycreview:approve"), "approve"),
              ctx.stepButton(ctx.t("kycreview:reject"), "reject"),
            ],
          ],
    },
  ];
}

async function decide(
  ctx: FlowContext<KycServices>,
  outcome: "approved" | "rejected",
  reason: KycRejectReason | null,
  reasonText: string | null,
): Promise<Transition> {
  const id = stringField(ctx.data, "id");
  try {
    await ctx.services.kyc.decide(id, reviewer(ctx), outcome, reason, reasonText);
    return {
      to: "queue",
      replies: [text(ctx.t(outcome === "approved" ? "kycreview:approved" : "kycreview:rejected", { id }))],
    };
  } catch (error) {
    if (isAppError(error) && error.code === "kyc_already_decided")
      return { to: "queue", replies: [text(ctx.t("kycreview:already_decided", { id }))] };
    throw error;
  }
}

/** Reviewers: the queue (oldest first) → a submission (audited) → approve, or reject with a reason (other: typed). */
export const kycReviewFlow: Flow<KycServices> = {
  id: "kycreview",
  gate: "kyc",
  first: "queue",
  steps: {
    queue: queueStep(queueScreen, "submission"),
    submission: {
      render: submissionScreen,
      handle: (ctx, input) => {
        if (input.kind !== "value") return { stay: [] };
        if (input.value === "approve") return decide(ctx, "approved", null, null);
        if (input.value === "reject") return { to: "reason" };
        return { stay: [] };
      },
    },
    reason: {
      render: (ctx) => [
        {
          kind: "text",
          text: ctx.t("kycreview:ask_reason"),
          buttons: KYC_REJECT_REASONS.map((reason) => [ctx.stepButton(ctx.t(`kyc:reason.${reason}`), reason)]),
        },
      ],
      handle: (ctx, input) => {
        if (input.kind !== "value" || !(KYC_REJECT_REASONS as readonly string[]).includes(input.value))
          return { stay: [] };
        if (input.value === "other") return { to: "other" };
        return decide(ctx, "rejected", input.value as KycRejectReason, null);
      },
    },
    other: {
      render: (ctx) => [text(ctx.t("kycreview:ask_other"))],
      handle: (ctx, input) => {
        const value = input.kind === "text" ? input.text.trim() : "";
        if (value.length < 3 || value.length > 300) return { stay: [text(ctx.t("kycreview:ask_other"))] };
        return decide(ctx, "rejected", "other", value);
      },
    },
  },
};

export const kycReviewActions: Action<KycServices>[] = [
  { id: "kycreview", gate: "kyc", run: () => ({ startFlow: "kycreview" }) },
  { id: "admin.kyc", gate: "kyc", run: () => ({ startFlow: "kycreview" }) },
];
