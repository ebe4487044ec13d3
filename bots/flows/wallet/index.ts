import type { Feature } from "../../engine/feature.ts";
import { walletAction } from "./wallet-action.ts";

/** The wallet: balances and the latest entries. */
export const walletFeature: Feature = {
  id: "wallet",
  actions: [walletAction],
  commands: [{ command: "wallet", action: "wallet", public: true }],
  menuEntries: [{ action: "wallet", label: "wallet:menu" }],
};
