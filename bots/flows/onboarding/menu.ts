import { actionData } from "../../engine/button-data.ts";
import type { Button, FlowContext } from "../../engine/contract.ts";

/** The main menu shows only what exists; each feature adds its entry here, in this order. */
export function mainMenu(ctx: FlowContext): Button[][] {
  return [
    [
      { label: ctx.t("jobs:menu_find"), data: actionData("jobs") },
      { label: ctx.t("jobs:menu_saved"), data: actionData("saved") },
    ],
    [{ label: ctx.t("alerts:menu"), data: actionData("alerts") }],
    [
      { label: ctx.t("referrals:menu_mine"), data: actionData("myreferrals") },
      { label: ctx.t("wallet:menu"), data: actionData("wallet") },
    ],
    [
      { label: ctx.t("common:menu.invite"), data: actionData("invite") },
      { label: ctx.t("network:menu"), data: actionData("network") },
    ],
    [
      { label: ctx.t("leaderboard:menu"), data: actionData("leaderboard") },
      { label: ctx.t("kyc:menu"), data: actionData("kyc") },
    ],
    [{ label: ctx.t("common:menu.link"), data: actionData("link") }],
    [
      { label: ctx.t("common:menu.language"), data: actionData("language") },
      { label: ctx.t("common:menu.help"), data: actionData("help") },
    ],
  ];
}
