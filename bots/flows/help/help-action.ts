import { actionData } from "../../engine/button-data.ts";
import { twoPerRow } from "../../engine/button-layout.ts";
import type { Action, Button } from "../../engine/contract.ts";
import type { HelpServices } from "./services.ts";

/** Each Help topic and the action it leads to (the screen the topic explains). */
const TOPICS = {
  jobs: "jobs",
  refer: "jobs",
  apply: "myreferrals",
  invite: "invite",
  wallet: "wallet",
  withdraw: "payout",
  kyc: "kyc",
  link: "link",
  language: "language",
} as const;
type Topic = keyof typeof TOPICS;
const isTopic = (value: string): value is Topic => Object.hasOwn(TOPICS, value);

/** The label of the menu entry (or action) a topic leads to. */
const ACTION_LABEL: Record<(typeof TOPICS)[Topic], string> = {
  jobs: "jobs:menu_find",
  myreferrals: "referrals:menu_mine",
  invite: "common:menu.invite",
  wallet: "wallet:menu",
  payout: "payouts:withdraw_button",
  kyc: "kyc:menu",
  link: "common:menu.link",
  language: "common:menu.language",
};

/**
 * Help: a short overview with one button per feature (jobs, referring, applying, invite, wallet, withdraw, identity,
 * linking, language) and Contact support; each topic is a few lines with a button to that screen, Contact support,
 * and one back to the topics.
 */
export const helpAction: Action<HelpServices> = {
  id: "help",
  run: (ctx, args) => {
    const topic = args.trim();
    if (!isTopic(topic)) {
      const buttons: Button[] = Object.keys(TOPICS).map((key) => ({
        label: ctx.t(`help:topics.${key}`),
        data: actionData("help", key),
      }));
      const contact = [{ label: ctx.t("support:menu"), data: actionData("support") }];
      return { replies: [{ kind: "text", text: ctx.t("help:text"), buttons: [...twoPerRow(buttons), contact] }] };
    }
    const action = TOPICS[topic];
    return {
      replies: [
        {
          kind: "text",
          text: ctx.t(`help:topic.${topic}`),
          buttons: [
            [{ label: ctx.t(ACTION_LABEL[action]), data: actionData(action) }],
            [{ label: ctx.t("support:menu"), data: actionData("support") }],
            [{ label: ctx.t("help:back"), data: actionData("help") }],
          ],
        },
      ],
    };
  },
};

/** `/menu`: just the menu. */
export const menuAction: Action<HelpServices> = {
  id: "menu",
  run: (ctx) => ({ replies: [{ kind: "text", text: ctx.t("common:menu.title") }] }),
};
