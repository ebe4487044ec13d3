import type { Core } from "../../../core/app/create-core.ts";

/** The part of the core the recruit feature uses; its flows and actions see nothing else. */
export type RecruitServices = Pick<Core, "audit" | "catalog" | "files" | "translator">;
