import type { Button, Reply } from "./contract.ts";

/** Viber's keyboard holds at most 24 buttons. */
export const ONE_KEYBOARD_MAX_BUTTONS = 24;

const buttonKey = (button: Button): string =>
  "data" in button ? `d:${button.data}` : "url" in button ? `u:${button.url}` : `r:${button.request}`;

/**
 * A turn as an app with one keyboard shows it (Viber: only the last message's keyboard is on screen, and a message
 * without one removes it). Every reply's buttons move, in order and without repeats, onto the last reply, so what
 * an earlier message offered (Withdraw above the menu, Share above the shared text) stays on screen.
 */
export function oneKeyboardTurn(replies: Reply[]): Reply[] {
  if (replies.length === 0) return replies;
  const seen = new Set<string>();
  const rows: Button[][] = [];
  for (const reply of replies)
    for (const row of reply.buttons ?? []) {
      const fresh = row.filter((button) => {
        const key = buttonKey(button);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      if (fresh.length > 0) rows.push(fresh);
    }
  return replies.map((reply, index): Reply => {
    const copy = { ...reply };
    delete copy.buttons;
    return index === replies.length - 1 && rows.length > 0 ? { ...copy, buttons: rows } : copy;
  });
}

/** How many buttons a turn shows in total (what one keyboard would have to hold). */
export const buttonCount = (replies: Reply[]): number =>
  replies.reduce((sum, reply) => sum + (reply.buttons ?? []).reduce((n, row) => n + row.length, 0), 0);

/**
 * A turn as one message (Viber's welcome: the only message allowed before the person subscribes): the texts and
 * captions in order, with the turn's one keyboard.
 */
export function oneMessage(replies: Reply[]): Reply | undefined {
  const merged = oneKeyboardTurn(replies);
  const texts = merged
    .map((reply) => (reply.kind === "text" ? reply.text : (reply.caption ?? "")))
    .filter((text) => text.trim() !== "");
  if (texts.length === 0 && merged.length === 0) return undefined;
  const buttons = merged.at(-1)?.buttons;
  return { kind: "text", text: texts.join("\n\n"), ...(buttons === undefined ? {} : { buttons }) };
}
