import type { Feature } from "../../engine/feature.ts";
import { candidateOptOutAction, privacyAction, privacyDeleteFlow } from "./privacy-flow.ts";

/** Privacy rights: what is kept and why, a copy of one's data, deleting one's account. */
export const privacyFeature: Feature = {
  id: "privacy",
  flows: [privacyDeleteFlow],
  actions: [privacyAction, candidateOptOutAction],
  commands: [{ command: "privacy", action: "privacy", public: true }],
};
