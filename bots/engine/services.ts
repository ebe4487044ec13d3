import type { Core } from "../../core/app/create-core.ts";

/** The core services flows may call: the process's {@link Core}, built once by `createCore`. */
export type BotServices = Core;
