import type { Feature } from "../../engine/feature.ts";
import { linkAction, linkFlow } from "./link-flow.ts";

/** Linking a Telegram and a Viber account into one person. */
export const linkFeature: Feature = {
  id: "link",
  flows: [linkFlow],
  actions: [linkAction],
  menuEntries: [{ action: "link", label: "common:menu.link", wide: true }],
};
