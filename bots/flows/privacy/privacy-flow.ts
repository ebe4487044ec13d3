import type { Core } from "../../../core/app/create-core.ts";
import { isAppError } from "../../../core/errors/app-error.ts";
import { formatKyat } from "../../../core/values/money.ts";
import { actionData } from "../../engine/button-data.ts";
import type { Action, Flow } from "../../engine/contract.ts";
import { text } from "../../engine/replies.ts";

export type PrivacyServices = Pick<Core, "privacy" | "media">;

/**
 * `/privacy`: what is kept, why, for how long and who sees it; a copy of one's data as a file; deleting the account
 * (after a confirmation, refused with the reason while money is owed or held).
 */
export const privacyAction: Action<PrivacyServices> = {
  id: "privacy",
  run: async (ctx, args) => {
    const word = args.trim().toLowerCase();
    if (word === "delete") {
      const blocked = await ctx.services.privacy.blocker(ctx.user._id);
      if (blocked === null) return { startFlow: "privacy.delete" };
      const amount = formatKyat(blocked.amount, ctx.user.language);
      return { replies: [text(ctx.t(`privacy:refused.${blocked.code}`, { amount }))] };
    }
    if (word === "export") {
      const data = await ctx.services.privacy.exportData(ctx.user._id, ctx.channel);
      const bytes = Buffer.from(JSON.stringify(data, null, 2));
      const name = "trm-my-data.json";
      const link = await ctx.services.media.links.issueBytes(bytes, "application/json", name);
      return {
        replies: [{ kind: "file", name, mime: "application/json", bytes, link, caption: ctx.t("privacy:exported") }],
      };
    }
    return {
      replies: [
        {
          kind: "text",
          text: ctx.t("privacy:text"),
          buttons: [
            [{ label: ctx.t("privacy:export_button"), data: actionData("privacy", "export") }],
            [{ label: ctx.t("privacy:delete_button"), data: actionData("privacy", "delete") }],
          ],
        },
      ],
      // Telegram keeps the menu on an earlier message; Viber's one keyboard needs it beside these buttons.
      menu: ctx.channel === "vb",
    };
  },
};

/** From the notice a candidate got about their application: remove their details from the referral (confirmed). */
export const candidateOptOutAction: Action<PrivacyServices> = {
  id: "optout",
  run: async (ctx, args) => {
    const [id = "", yes] = args.trim().toUpperCase().split(".");
    if (yes !== "YES")
      return {
        replies: [
          {
            kind: "text",
            text: ctx.t("privacy:optout_confirm", { ref: id }),
            buttons: [[{ label: ctx.t("privacy:optout_confirm_button"), data: actionData("optout", `${id}.yes`) }]],
          },
        ],
        menu: ctx.channel === "vb",
      };
    try {
      const result = await ctx.services.privacy.candidateOptOut(id, ctx.user._id, ctx.channel);
      return {
        replies: [text(ctx.t(result === "removed" ? "privacy:optout_done" : "privacy:optout_already", { ref: id }))],
      };
    } catch (error) {
      if (isAppError(error) && error.code === "not_found")
        return { replies: [text(ctx.t("privacy:optout_not_found", { ref: id }))] };
      throw error;
    }
  },
};

export const privacyDeleteFlow: Flow<PrivacyServices> = {
  id: "privacy.delete",
  first: "confirm",
  steps: {
    confirm: {
      render: (ctx) => [
        {
          kind: "text",
          text: ctx.t("privacy:confirm"),
          buttons: [[ctx.stepButton(ctx.t("privacy:confirm_button"), "yes")]],
        },
      ],
      handle: async (ctx, input) => {
        if (input.kind !== "value" || input.value !== "yes") return { stay: [] };
        try {
          await ctx.services.privacy.deleteAccount(ctx.user._id, ctx.channel);
        } catch (error) {
          if (isAppError(error) && ["account_has_money", "payout_in_flight", "kyc_under_review"].includes(error.code)) {
            const amount = typeof error.details?.amount === "number" ? error.details.amount : 0;
            return {
              done: [text(ctx.t(`privacy:refused.${error.code}`, { amount: formatKyat(amount, ctx.user.language) }))],
            };
          }
          throw error;
        }
        return { done: [text(ctx.t("privacy:deleted"))] };
      },
    },
  },
};
