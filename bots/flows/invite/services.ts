import type { Core } from "../../../core/app/create-core.ts";

/** The part of the core the invite feature uses; its flows and actions see nothing else. */
export type InviteServices = Pick<Core, "botLinks">;
