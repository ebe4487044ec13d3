import type { Incoming } from "./contract.ts";

const COMMAND = /^\/([a-z_]{1,32})(?:@\w+)?(?:\s+([\s\S]*))?$/i;

/**
 * `/start <payload>` → start, `/name args` → command, anything else →
 * undefined. Used by every adapter: Telegram commands, and "/command" typed
 * as text on Viber and in the sandbox.
 */
export function commandFromText(text: string): Incoming | undefined {
  const match = COMMAND.exec(text.trim());
  if (match?.[1] === undefined) return undefined;
  const name = match[1].toLowerCase();
  const args = (match[2] ?? "").trim();
  return name === "start"
    ? { kind: "start", payload: args === "" ? undefined : args }
    : { kind: "command", command: name, args };
}
