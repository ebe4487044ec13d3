import type { Feature } from "../../engine/feature.ts";
import { inviteAction } from "./invite-action.ts";

/** Inviting friends with a personal link. */
export const inviteFeature: Feature = {
  id: "invite",
  actions: [inviteAction],
  menuEntries: [{ action: "invite", label: "common:menu.invite" }],
};
