import type { Feature } from "../../engine/feature.ts";
import { kycActions, kycDeleteFlow, kycFlow } from "./kyc-flow.ts";
import { kycReviewActions, kycReviewFlow } from "./kyc-review-flow.ts";

/** Identity verification (NRC and photos), deleting one's documents, and the reviewers' queue. */
export const kycFeature: Feature = {
  id: "kyc",
  flows: [kycFlow, kycDeleteFlow, kycReviewFlow],
  actions: [...kycActions, ...kycReviewActions],
  commands: [{ command: "verify", action: "kyc" }],
  adminCommands: [{ command: "kyc", action: "kycreview", gate: "kyc" }],
  menuEntries: [{ action: "kyc", label: "kyc:menu" }],
};
