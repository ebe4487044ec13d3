import type { Reply } from "./contract.ts";

/** A plain text reply (buttons, when needed, are added where the reply is built). */
export const text = (value: string): Reply => ({ kind: "text", text: value });
