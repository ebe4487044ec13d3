import type { Core } from "../../../core/app/create-core.ts";

/** The part of the core the support desk uses; its flows and actions see nothing else. */
export type SupportServices = Pick<
  Core,
  "audit" | "kyc" | "media" | "payouts" | "referrals" | "support" | "translator" | "users"
>;
