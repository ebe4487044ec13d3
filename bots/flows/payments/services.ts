import type { Core } from "../../../core/app/create-core.ts";

/** The part of the core the payments feature uses; its flows and actions see nothing else. */
export type PaymentsServices = Pick<
  Core,
  "audit" | "catalog" | "exports" | "invoices" | "media" | "reconcileNow" | "users"
>;
