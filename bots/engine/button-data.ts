/**
 * Button data grammar (ASCII, well under Telegram's 64 bytes):
 * - `m:<action>`      a menu action, valid from any message
 * - `m:<action>:<args>` the same with an argument (`m:refer:J2345AB`), as if typed after its command
 * - `n:back` `n:cancel`  navigation inside a flow
 * - `s<ver>:<value>`  a step's own button, valid only while the conversation is still at version <ver>
 */
export type ParsedButton =
  | { kind: "action"; action: string; args: string }
  | { kind: "nav"; nav: "back" | "cancel" }
  | { kind: "step"; version: number; value: string }
  | { kind: "unknown" };

export const actionData = (action: string, args?: string): string =>
  args === undefined ? `m:${action}` : `m:${action}:${args}`;
export const stepData = (version: number, value: string): string => `s${version.toString(36)}:${value}`;
export const NAV_BACK = "n:back";
export const NAV_CANCEL = "n:cancel";

const SAFE = /^[A-Za-z0-9_.:-]{1,60}$/;

export function parseButton(data: string): ParsedButton {
  if (!SAFE.test(data)) return { kind: "unknown" };
  if (data === NAV_BACK) return { kind: "nav", nav: "back" };
  if (data === NAV_CANCEL) return { kind: "nav", nav: "cancel" };
  if (data.startsWith("m:")) {
    const [action = "", ...rest] = data.slice(2).split(":");
    return { kind: "action", action, args: rest.join(":") };
  }
  const step = /^s([0-9a-z]{1,8}):(.+)$/.exec(data);
  if (step?.[1] !== undefined && step[2] !== undefined)
    return { kind: "step", version: parseInt(step[1], 36), value: step[2] };
  return { kind: "unknown" };
}
