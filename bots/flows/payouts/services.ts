import type { Core } from "../../../core/app/create-core.ts";

/** The part of the core the payouts feature uses; its flows and actions see nothing else. */
export type PayoutsServices = Pick<
  Core,
  "audit" | "exports" | "kyc" | "media" | "payoutProvider" | "payouts" | "users"
>;
