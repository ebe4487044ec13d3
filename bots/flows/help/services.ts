import type { Core } from "../../../core/app/create-core.ts";

/** The part of the core the help feature uses; its flows and actions see nothing else. */
export type HelpServices = Pick<Core, never>;
