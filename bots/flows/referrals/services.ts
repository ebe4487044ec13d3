import type { Core } from "../../../core/app/create-core.ts";

/** The part of the core the referrals feature uses; its flows and actions see nothing else. */
export type ReferralsServices = Pick<
  Core,
  "audit" | "catalog" | "invoices" | "media" | "referrals" | "rewardRelease" | "rewards" | "translator" | "users"
>;
