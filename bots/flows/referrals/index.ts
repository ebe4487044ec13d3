import type { Feature } from "../../engine/feature.ts";
import { applyAction, applyFlow } from "./apply-flow.ts";
import { myReferralsAction, withdrawAction, withdrawFlow } from "./my-referrals.ts";
import { referAction, referFlow } from "./refer-flow.ts";
import { reviewActions, reviewReferralsFlow } from "./review-flow.ts";

/** Referring a candidate, applying through a shared link, my referrals, and the recruiters' pipeline. */
export const referralsFeature: Feature = {
  id: "referrals",
  flows: [referFlow, applyFlow, withdrawFlow, reviewReferralsFlow],
  actions: [referAction, applyAction, myReferralsAction, withdrawAction, ...reviewActions],
  commands: [{ command: "myreferrals", action: "myreferrals", public: true }],
  adminCommands: [
    { command: "referrals", action: "referrals", gate: "referrals" },
    { command: "release", action: "release", gate: "finance" },
  ],
  menuEntries: [{ action: "myreferrals", label: "referrals:menu_mine" }],
};
