import type { Feature } from "../../engine/feature.ts";
import { networkAction } from "./network-action.ts";

/** My invite network: people per level and what they earned me. */
export const networkFeature: Feature = {
  id: "network",
  actions: [networkAction],
  commands: [{ command: "network", action: "network" }],
  menuEntries: [{ action: "network", label: "network:menu" }],
};
