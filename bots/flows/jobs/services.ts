import type { Core } from "../../../core/app/create-core.ts";

/** The part of the core the jobs feature uses; its flows and actions see nothing else. */
export type JobsServices = Pick<Core, "alerts" | "botLinks" | "catalog" | "users">;
