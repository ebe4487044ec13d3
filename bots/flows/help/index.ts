import type { Feature } from "../../engine/feature.ts";
import { helpAction, menuAction } from "./help-action.ts";

/** Help and the main menu itself. */
export const helpFeature: Feature = {
  id: "help",
  actions: [menuAction, helpAction],
  commands: [
    { command: "menu", action: "menu", public: true },
    { command: "help", action: "help", public: true },
  ],
  menuEntries: [{ action: "help", label: "common:menu.help", last: true }],
};
