import { inAllLanguages } from "../../../core/i18n/translator.ts";
import { isAppError } from "../../../core/errors/app-error.ts";
import { MEDIA_MAX_BYTES } from "../../../core/files/media-vault.ts";
import { KYC_DOCUMENTS, type KycDocument } from "../../../core/kyc/kyc-models.ts";
import { parseNrc, toAsciiDigits } from "../../../core/myanmar/index.ts";
import { formatNumber } from "../../../core/values/numbers.ts";
import { nrcBurmese, nrcLatin, type Nrc, type NrcParse } from "../../../core/myanmar/nrc.ts";
import { twoPerRow } from "../../engine/button-layout.ts";
import type { Action, Flow, FlowContext, Reply, Step, StepInput, Transition } from "../../engine/contract.ts";
import { stringField } from "../../engine/flow-data.ts";
import { text } from "../../engine/replies.ts";
import { formatDate } from "../../../core/values/yangon-time.ts";
import type { KycServices } from "./services.ts";

const DECLARED = /^(image\/(jpeg|png)|application\/pdf)$/;

/** After a change from the review screen, go back to it; otherwise on to the next question. */
const onward = (ctx: FlowContext<KycServices>, next: string): Transition => ({
  to: ctx.data.editing === true ? "review" : next,
});

function acceptNrc(ctx: FlowContext<KycServices>, parsed: Extract<NrcParse, { ok: true }>): Transition {
  const nrc: Nrc = { state: parsed.state, township: parsed.township, type: parsed.type, number: parsed.number };
  ctx.data.nrc = nrc;
  delete ctx.data.nrcTyped;
  delete ctx.data.nrcCandidates;
  return {
    ...onward(ctx, "name"),
    replies: [text(ctx.t("kyc:nrc_ok", { burmese: parsed.canonical, latin: parsed.latin }))],
  };
}

const nrcOf = (ctx: FlowContext<KycServices>): Nrc | undefined => {
  const value = ctx.data.nrc as Nrc | undefined;
  return value !== undefined && typeof value === "object" ? value : undefined;
};
const docsOf = (ctx: FlowContext<KycServices>): Partial<Record<KycDocument, string>> =>
  (ctx.data.docs as Partial<Record<KycDocument, string>> | undefined) ?? {};

/**
 * `31-12-1990`, `31/12/1990`, `31.12.1990` (any digits, already ASCII): a real date, age 10 (an NRC is issued from
 * 10) to 100; otherwise what is wrong with it.
 */
function parseBirthDate(
  raw: string,
  now: Date,
): { date: string } | { problem: "bad_dob" | "dob_too_young" | "dob_too_old" } {
  const match = /^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})$/.exec(raw.trim());
  if (match === null) return { problem: "bad_dob" };
  const [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return { problem: "bad_dob" };
  const age = (now.getTime() - date.getTime()) / (365.25 * 86_400_000);
  if (age < 10) return { problem: "dob_too_young" };
  if (age > 100) return { problem: "dob_too_old" };
  return { date: date.toISOString().slice(0, 10) };
}

function documentStep(kind: KycDocument, next: string): Step<KycServices> {
  return {
    render: (ctx) => [text(ctx.t(`kyc:ask_${kind}`))],
    handle: async (ctx, input: StepInput) => {
      const file =
        input.kind === "photo"
          ? { fileRef: input.fileRef, size: input.size, mime: "image/jpeg" }
          : input.kind === "file"
            ? input
            : undefined;
      if (file === undefined) return { stay: [text(ctx.t("kyc:expect_document"))] };
      if ((file.size ?? 0) > MEDIA_MAX_BYTES) return { stay: [text(ctx.t("kyc:too_large"))] };
      if (file.mime !== undefined && !DECLARED.test(file.mime)) return { stay: [text(ctx.t("kyc:bad_type"))] };
      const { translator } = ctx.services;
      const mediaId = await ctx.services.media.intake({
        ownerId: ctx.user._id,
        purpose: "kyc",
        transport: ctx.transport,
        fileRef: file.fileRef,
        rejectNotice: inAllLanguages(translator, "kyc:document_refused", (language) => ({
          document: translator.t(language)(`kyc:document.${kind}`),
        })),
      });
      ctx.data.docs = { ...docsOf(ctx), [kind]: mediaId };
      return {
        ...onward(ctx, next),
        replies: [text(ctx.t("kyc:received", { document: ctx.t(`kyc:document.${kind}`) }))],
      };
    },
  };
}

async function reviewScreen(ctx: FlowContext<KycServices>): Promise<Reply[]> {
  ctx.data.editing = true;
  const nrc = nrcOf(ctx);
  const statuses = await ctx.services.kyc.documentStatus(docsOf(ctx));
  const lines = [
    ctx.t("kyc:review_title"),
    ctx.t("kyc:review_nrc", {
      burmese: nrc === undefined ? "—" : nrcBurmese(nrc),
      latin: nrc === undefined ? "" : nrcLatin(nrc),
    }),
    ctx.t("kyc:review_name", { name: stringField(ctx.data, "fullName") }),
    ctx.t("kyc:review_dob", { date: formatDate(new Date(stringField(ctx.data, "dob")), ctx.user.language) }),
    ...KYC_DOCUMENTS.map((kind) =>
      ctx.t("kyc:review_document", {
        document: ctx.t(`kyc:document.${kind}`),
        status: ctx.t(`kyc:document_status.${statuses[kind]}`),
      }),
    ),
  ];
  const change = ["nrc", "name", "dob", ...KYC_DOCUMENTS].map((item) =>
    ctx.stepButton(ctx.t(`kyc:change.${item}`), `change:${item}`),
  );
  return [
    {
      kind: "text",
      text: lines.join("\n"),
      buttons: [[ctx.stepButton(ctx.t("kyc:submit"), "submit")], ...twoPerRow(change)],
    },
  ];
}

/**
 * Verify identity: why and what (with the privacy note) → NRC number → name as
 * on the card → date of birth → front → back → selfie with the card → review
 * (change any item) → submit. The conversation store keeps the place, so the
 * person resumes where they left off.
 */
export const kycFlow: Flow<KycServices> = {
  id: "kyc",
  first: "intro",
  steps: {
    intro: {
      render: (ctx) => [
        {
          kind: "text",
          text: ctx.t("kyc:intro", { days: ctx.services.kycRetentionDays }),
          buttons: [[ctx.stepButton(ctx.t("kyc:begin"), "begin")]],
        },
      ],
      handle: (ctx, input) => (input.kind === "value" && input.value === "begin" ? { to: "nrc" } : { stay: [] }),
    },
    nrc: {
      render: (ctx) => [text(ctx.t("kyc:ask_nrc"))],
      handle: (ctx, input) => {
        if (input.kind !== "text") return { stay: [text(ctx.t("kyc:nrc_problem.format"))] };
        const parsed = parseNrc(input.text);
        if (!parsed.ok && parsed.candidates !== undefined) {
          // A Latin code that fits two townships: ask which, never guess.
          ctx.data.nrcTyped = input.text;
          ctx.data.nrcCandidates = parsed.candidates;
          return { to: "nrc_pick" };
        }
        if (!parsed.ok) return { stay: [text(ctx.t(`kyc:nrc_problem.${parsed.part}`))] };
        return acceptNrc(ctx, parsed);
      },
    },
    nrc_pick: {
      render: (ctx) => {
        const typed = stringField(ctx.data, "nrcTyped");
        const state = formatNumber(Number(/\d+/.exec(toAsciiDigits(typed))?.[0] ?? 0), ctx.user.language);
        const codes = Array.isArray(ctx.data.nrcCandidates) ? (ctx.data.nrcCandidates as string[]) : [];
        return [
          {
            kind: "text",
            text: ctx.t("kyc:nrc_which", { latin: typed, state }),
            // Button data is ASCII: the code is named by its place in the list.
            buttons: codes.map((code, index) => [ctx.stepButton(code, String(index))]),
          },
        ];
      },
      handle: (ctx, input) => {
        const codes = Array.isArray(ctx.data.nrcCandidates) ? (ctx.data.nrcCandidates as string[]) : [];
        const code =
          input.kind === "value"
            ? codes[Number(input.value)]
            : input.kind === "text"
              ? codes.find((candidate) => candidate === input.text.trim())
              : undefined;
        if (code === undefined) return { stay: [] };
        // The same number with the Burmese code chosen: parsed again, so every rule still applies.
        const typed = stringField(ctx.data, "nrcTyped").replace(/^(\s*\S{1,2}\s*[/ ]\s*)[A-Za-z]+/, `$1${code}`);
        const parsed = parseNrc(typed);
        if (!parsed.ok) return { to: "nrc", replies: [text(ctx.t(`kyc:nrc_problem.${parsed.part}`))] };
        return acceptNrc(ctx, parsed);
      },
    },
    name: {
      render: (ctx) => [text(ctx.t("kyc:ask_name"))],
      handle: (ctx, input) => {
        const value = input.kind === "text" ? input.text.replace(/\s+/g, " ").trim() : "";
        if (value.length < 2 || value.length > 80 || !/\p{L}/u.test(value))
          return { stay: [text(ctx.t("kyc:bad_name"))] };
        // Names have no digits; an NRC typed here (the step before asked for one) is pointed out, not stored.
        if (/[\d/]/.test(value)) return { stay: [text(ctx.t("kyc:name_looks_like_nrc"))] };
        ctx.data.fullName = value;
        return onward(ctx, "dob");
      },
    },
    dob: {
      render: (ctx) => [text(ctx.t("kyc:ask_dob"))],
      handle: (ctx, input) => {
        const parsed = input.kind === "text" ? parseBirthDate(input.text, ctx.now) : { problem: "bad_dob" as const };
        if ("problem" in parsed) return { stay: [text(ctx.t(`kyc:${parsed.problem}`))] };
        ctx.data.dob = parsed.date;
        return onward(ctx, "front");
      },
    },
    front: documentStep("front", "back"),
    back: documentStep("back", "selfie"),
    selfie: documentStep("selfie", "review"),
    review: {
      render: reviewScreen,
      handle: async (ctx, input) => {
        if (input.kind !== "value") return { stay: [] };
        if (input.value.startsWith("change:")) {
          const item = input.value.slice(7);
          return ["nrc", "name", "dob", ...KYC_DOCUMENTS].includes(item) ? { to: item } : { stay: [] };
        }
        if (input.value !== "submit") return { stay: [] };
        const nrc = nrcOf(ctx);
        const docs = docsOf(ctx);
        if (nrc === undefined || docs.front === undefined || docs.back === undefined || docs.selfie === undefined)
          return { stay: [] };
        try {
          await ctx.services.kyc.submit(ctx.user._id, {
            nrc,
            fullName: stringField(ctx.data, "fullName"),
            dateOfBirth: stringField(ctx.data, "dob"),
            documents: { front: docs.front, back: docs.back, selfie: docs.selfie },
          });
          return { done: [text(ctx.t("kyc:submitted"))] };
        } catch (error) {
          if (isAppError(error) && error.code === "kyc_documents_not_ready") {
            const status = typeof error.details?.status === "string" ? error.details.status : "pending";
            const document = ctx.t(
              `kyc:document.${typeof error.details?.document === "string" ? error.details.document : "front"}`,
            );
            return {
              stay: [
                text(ctx.t(status === "pending" ? "kyc:still_checking" : "kyc:send_again", { document })),
                ...(await reviewScreen(ctx)),
              ],
            };
          }
          if (isAppError(error) && (error.code === "kyc_already_submitted" || error.code === "kyc_already_approved"))
            return { done: [text(ctx.t(`kyc:${error.code}`))] };
          throw error;
        }
      },
    },
  },
};

/** 🪪 Verify identity: the person's status at any time, and the way to (re)submit or delete their documents. */
export const kycAction: Action<KycServices> = {
  id: "kyc",
  run: async (ctx) => {
    const state = await ctx.services.kyc.state(ctx.user._id);
    const submission = state.submissionId === null ? null : await ctx.services.kyc.find(state.submissionId);
    const deleteButton = { label: ctx.t("kyc:delete_button"), data: "m:kycdelete" };
    switch (state.status) {
      case "approved":
        return {
          replies: [
            {
              kind: "text",
              text: ctx.t("kyc:status_approved", { nrc: submission?.nrc.burmese ?? "" }),
              buttons: submission?.documentsDeletedAt == null ? [[deleteButton]] : [],
            },
          ],
        };
      case "submitted":
        return {
          replies: [
            text(
              ctx.t("kyc:status_submitted", {
                date: formatDate(new Date(submission?.submittedAt ?? ctx.now), ctx.user.language),
              }),
            ),
          ],
        };
      case "rejected": {
        // The reviewer's own words when they typed them (as in the notice), otherwise the reason's text.
        const reason = submission?.reason ?? "other";
        const said = submission?.reasonText ?? ctx.t(`kyc:reason.${reason}`);
        return {
          startFlow: "kyc",
          replies: [text(ctx.t("kyc:status_rejected", { reason: said, fix: ctx.t(`kyc:fix.${reason}`) }))],
        };
      }
      default:
        return { startFlow: "kyc" };
    }
  },
};

/** The person asks for their documents to be deleted (after a yes); refused while under review or during a payout. */
export const kycDeleteFlow: Flow<KycServices> = {
  id: "kycdelete",
  first: "confirm",
  steps: {
    confirm: {
      render: (ctx) => [
        { kind: "text", text: ctx.t("kyc:delete_ask"), buttons: [[ctx.stepButton(ctx.t("kyc:delete_yes"), "yes")]] },
      ],
      handle: async (ctx, input) => {
        if (input.kind !== "value" || input.value !== "yes") return { stay: [] };
        try {
          await ctx.services.kyc.deleteDocumentsOf(ctx.user._id, ctx.channel);
          return { done: [text(ctx.t("kyc:deleted"))] };
        } catch (error) {
          if (isAppError(error) && (error.code === "kyc_under_review" || error.code === "payout_in_flight"))
            return { done: [text(ctx.t(`kyc:delete_refused.${error.code}`))] };
          throw error;
        }
      },
    },
  },
};

export const kycActions: Action<KycServices>[] = [
  kycAction,
  { id: "kycdelete", run: () => ({ startFlow: "kycdelete" }) },
];
