import type { Core } from "../../../core/app/create-core.ts";

/** The part of the core the link feature uses; its flows and actions see nothing else. */
export type LinkServices = Pick<Core, "links" | "translator" | "users">;
