import type { Core } from "../../../core/app/create-core.ts";

/** The part of the core the wallet feature uses; its flows and actions see nothing else. */
export type WalletServices = Pick<Core, "rewardRelease" | "wallet">;
