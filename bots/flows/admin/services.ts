import type { Core } from "../../../core/app/create-core.ts";

/** The part of the core the admin feature uses; its flows and actions see nothing else. */
export type AdminServices = Pick<
  Core,
  | "audit"
  | "broadcasts"
  | "conversations"
  | "exports"
  | "notifier"
  | "media"
  | "queueDepths"
  | "reports"
  | "roles"
  | "translator"
  | "userFigures"
  | "users"
>;
