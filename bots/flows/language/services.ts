import type { Core } from "../../../core/app/create-core.ts";

/** The part of the core the language feature uses; its flows and actions see nothing else. */
export type LanguageServices = Pick<Core, never>;
