import { inAllLanguages } from "../../../core/i18n/translator.ts";
import { MEDIA_MAX_BYTES } from "../../../core/files/media-vault.ts";
import { isAppError } from "../../../core/errors/app-error.ts";
import type { SubmitInput } from "../../../core/referrals/referral-service.ts";
import type { FlowContext, Reply, Step, StepInput, Transition } from "../../engine/contract.ts";
import { stringField } from "../../engine/flow-data.ts";
import { text } from "../../engine/replies.ts";
import { formatKyat } from "../../../core/values/money.ts";
import { parseMyanmarPhone } from "../../../core/myanmar/index.ts";
import type { ReferralsServices } from "./services.ts";

export { text };

/** Declared types we accept before the bytes are checked (the worker checks the bytes). */
const CV_MIME = new Set([
  "application/pdf",
  "image/jpeg",
  "image/png",
  "image/webp",
  "application/msword",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
]);
const CV_NAME = /\.(pdf|jpe?g|png|webp|docx?)$/i;

/** Whose data a step asks for: the referrer types the candidate's, an applicant their own. */
type Who = "candidate" | "self";
const key = (who: Who, name: string): string => `referrals:${who === "self" ? "apply" : "refer"}.${name}`;

/** A person's full name: 2-80 characters, at least one letter. */
export function nameStep(who: Who, next: string): Step<ReferralsServices> {
  return {
    render: (ctx) => [text(ctx.t(key(who, "ask_name")))],
    handle: (ctx, input) => {
      const value = input.kind === "text" ? input.text.replace(/\s+/g, " ").trim() : "";
      if (value.length < 2 || value.length > 80 || !/\p{L}/u.test(value))
        return { stay: [text(ctx.t("referrals:bad_name"))] };
      ctx.data.name = value;
      return { to: next };
    },
  };
}

/** A Myanmar mobile number in any common form (Burmese digits too), or a shared contact; stored as E.164. */
export function phoneStep(who: Who, next: string): Step<ReferralsServices> {
  return {
    render: (ctx) => [
      {
        kind: "text",
        text: ctx.t(key(who, "ask_phone")),
        ...(who === "self"
          ? { buttons: [[{ label: ctx.t("referrals:apply.share_phone"), request: "contact" as const }]] }
          : {}),
      },
    ],
    handle: async (ctx, input) => {
      const raw = input.kind === "text" ? input.text : input.kind === "contact" ? input.phone : "";
      const phone = parseMyanmarPhone(raw);
      if (phone === null) return { stay: [text(ctx.t("referrals:bad_phone"))] };
      if (who === "candidate" && ctx.user.phone === phone) return { stay: [text(ctx.t("referrals:self_phone"))] };
      if (await ctx.services.referrals.candidateTaken(stringField(ctx.data, "jobId"), phone))
        return { stay: [text(ctx.t(key(who, "taken")))] };
      ctx.data.phone = phone;
      if (who === "self" && ctx.user.phone === null) {
        await ctx.services.users.setPhone(ctx.user._id, phone);
        ctx.user = { ...ctx.user, phone };
      }
      return {
        to: next,
        replies: [{ kind: "text", text: ctx.t("referrals:phone_ok", { phone }), removeKeyboard: true }],
      };
    },
  };
}

function fileOf(
  input: StepInput,
): { fileRef: string; size?: number | undefined; mime?: string | undefined; name?: string | undefined } | undefined {
  if (input.kind === "photo") return { fileRef: input.fileRef, size: input.size, mime: "image/jpeg" };
  if (input.kind === "file") return input;
  return undefined;
}

/**
 * An optional CV (photo, PDF or Word, ≤ 10 MB): registered and queued for encrypted intake; its bytes are checked by
 * the worker.
 */
export function cvStep(next: string): Step<ReferralsServices> {
  return {
    render: (ctx) => [
      {
        kind: "text",
        text: ctx.t("referrals:ask_cv"),
        buttons: [[ctx.stepButton(ctx.t("referrals:skip_cv"), "skip")]],
      },
    ],
    handle: async (ctx, input) => {
      if (input.kind === "value" && input.value === "skip") {
        ctx.data.cvMediaId = "";
        return { to: next };
      }
      const file = fileOf(input);
      if (file === undefined) return { retry: [text(ctx.t("referrals:cv_expected"))] };
      if ((file.size ?? 0) > MEDIA_MAX_BYTES) return { retry: [text(ctx.t("referrals:cv_too_large"))] };
      const declaredOk =
        (file.mime !== undefined && CV_MIME.has(file.mime)) || (file.name !== undefined && CV_NAME.test(file.name));
      if (file.mime !== undefined && !declaredOk) return { retry: [text(ctx.t("referrals:cv_bad_type"))] };
      const mediaId = await ctx.services.media.intake({
        ownerId: ctx.user._id,
        purpose: "cv",
        transport: ctx.transport,
        fileRef: file.fileRef,
        rejectNotice: inAllLanguages(ctx.services.translator, "referrals:cv_refused_later"),
      });
      ctx.data.cvMediaId = mediaId;
      return { to: next, replies: [text(ctx.t("referrals:cv_received"))] };
    },
  };
}

/** Consent: the referrer confirms the candidate agreed; an applicant agrees themselves. */
export function consentStep(who: Who, next: string): Step<ReferralsServices> {
  return {
    render: (ctx) => [
      {
        kind: "text",
        text: ctx.t(key(who, "ask_consent"), { name: stringField(ctx.data, "name") }),
        buttons: [
          [ctx.stepButton(ctx.t("referrals:consent_yes"), "yes"), ctx.stepButton(ctx.t("referrals:consent_no"), "no")],
        ],
      },
    ],
    handle: (ctx, input) => {
      if (input.kind !== "value") return { stay: [] };
      // A referrer's "No" keeps what they typed: they can ask the candidate and answer again, or cancel.
      if (input.value === "no")
        return who === "self"
          ? { done: [text(ctx.t(key(who, "no_consent")))] }
          : { retry: [text(ctx.t(key(who, "no_consent"), { name: stringField(ctx.data, "name") }))] };
      ctx.data.consent = true;
      return { to: next };
    },
  };
}

/** The person's answer to a refused submission, in their language; unknown errors go up. */
export function refusal(ctx: FlowContext<ReferralsServices>, error: unknown): Transition {
  if (!isAppError(error)) throw error;
  switch (error.code) {
    case "duplicate_candidate":
    case "self_referral":
    case "job_closed":
    case "job_not_found":
    case "referrer_not_found":
      return { done: [text(ctx.t(`referrals:refused.${error.code}`))] };
    case "daily_limit":
      return { done: [text(ctx.t("referrals:refused.daily_limit", { count: Number(error.details?.limit ?? 0) }))] };
    default:
      throw error;
  }
}

export async function jobTitle(
  ctx: FlowContext<ReferralsServices>,
  jobId: string,
): Promise<{ title: string; bonus: string } | undefined> {
  const job = await ctx.services.catalog.findJob(jobId);
  return job === null
    ? undefined
    : { title: job.title[ctx.user.language], bonus: formatKyat(job.bonus, ctx.user.language) };
}

/** The fields every submission shares, from what the steps stored. */
export function candidateFields(
  ctx: FlowContext<ReferralsServices>,
): Pick<SubmitInput, "jobId" | "candidate" | "cvMediaId"> {
  const cvMediaId = stringField(ctx.data, "cvMediaId");
  return {
    jobId: stringField(ctx.data, "jobId"),
    candidate: { name: stringField(ctx.data, "name"), phone: stringField(ctx.data, "phone") },
    cvMediaId: cvMediaId === "" ? null : cvMediaId,
  };
}

/** The summary with its confirm button; confirming submits, and a refusal is explained in the person's language. */
export function confirmStep(
  summary: (ctx: FlowContext<ReferralsServices>) => Promise<Reply[]>,
  submission: (ctx: FlowContext<ReferralsServices>) => SubmitInput,
  doneKey: string,
): Step<ReferralsServices> {
  return {
    render: summary,
    handle: async (ctx, input) => {
      if (input.kind !== "value" || input.value !== "confirm") return { stay: [] };
      try {
        const referral = await ctx.services.referrals.submit(submission(ctx));
        return { done: [text(ctx.t(doneKey, { ref: referral._id }))] };
      } catch (error) {
        return refusal(ctx, error);
      }
    },
  };
}

/** The summary before confirming: the job, what was entered, whether a CV came, and the confirm button. */
export async function summaryReply(
  ctx: FlowContext<ReferralsServices>,
  key: string,
  extra: Record<string, string>,
  confirmLabel: string,
): Promise<Reply[]> {
  const job = await jobTitle(ctx, stringField(ctx.data, "jobId"));
  if (job === undefined) return [text(ctx.t("jobs:not_found"))];
  // The file's check runs in the background: a CV found unusable meanwhile is shown as such (and not submitted).
  const mediaId = stringField(ctx.data, "cvMediaId");
  const media = mediaId === "" ? null : await ctx.services.media.vault.find(mediaId);
  if (media?.status === "rejected") ctx.data.cvMediaId = "";
  const cv =
    media?.status === "rejected"
      ? ctx.t("referrals:cv_unusable")
      : mediaId === ""
        ? ctx.t("referrals:cv_none")
        : ctx.t("referrals:cv_attached");
  return [
    {
      kind: "text",
      text: ctx.t(key, {
        job: job.title,
        bonus: job.bonus,
        name: stringField(ctx.data, "name"),
        phone: stringField(ctx.data, "phone"),
        cv,
        ...extra,
      }),
      buttons: [[ctx.stepButton(ctx.t(confirmLabel), "confirm")]],
    },
  ];
}
