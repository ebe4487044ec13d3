import type { Feature } from "../../engine/feature.ts";
import { languageActions } from "./language-actions.ts";

/** Choosing English or Burmese. */
export const languageFeature: Feature = {
  id: "language",
  actions: languageActions,
  commands: [{ command: "language", action: "language", public: true }],
  menuEntries: [{ action: "language", label: "common:menu.language" }],
};
