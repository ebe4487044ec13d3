import type { Core } from "../../../core/app/create-core.ts";

/** The part of the core the kyc feature uses; its flows and actions see nothing else. */
export type KycServices = Pick<Core, "kyc" | "kycRetentionDays" | "media" | "translator">;
