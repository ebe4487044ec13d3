import type { Button, Reply } from "../../engine/contract.ts";
import { ONE_KEYBOARD_MAX_BUTTONS, oneKeyboardTurn, oneMessage } from "../../engine/one-keyboard.ts";
import type { ViberKeyboard, ViberMessage } from "./viber-client.ts";

/** Viber limits: text 7000 characters, picture text 768, button text 250; a keyboard grid is 6 columns wide. */
const TEXT_LIMIT = 7000;
const PICTURE_TEXT_LIMIT = 768;
const BUTTON_TEXT_LIMIT = 250;

function keyboardButton(button: Button, columns: number): ViberKeyboard["Buttons"][number] {
  const text = button.label.slice(0, BUTTON_TEXT_LIMIT);
  if ("url" in button) return { Columns: columns, Rows: 1, ActionType: "open-url", ActionBody: button.url, Text: text };
  if ("request" in button) {
    return {
      Columns: columns,
      Rows: 1,
      ActionType: button.request === "contact" ? "share-phone" : "location-picker",
      ActionBody: button.request,
      Text: text,
    };
  }
  return { Columns: columns, Rows: 1, ActionType: "reply", ActionBody: button.data, Text: text, Silent: true };
}

/**
 * Viber has no inline buttons: the rows become the bottom keyboard (the client
 * shows the last one sent), a reply button sends its data back as a message.
 * Rows wider than 3 are split so labels stay readable.
 */
export function keyboardOf(rows: Button[][]): ViberKeyboard | undefined {
  const buttons: ViberKeyboard["Buttons"] = [];
  for (const row of rows) {
    for (let start = 0; start < row.length; start += 3) {
      const chunk = row.slice(start, start + 3);
      const columns = Math.floor(6 / chunk.length);
      for (const button of chunk) buttons.push(keyboardButton(button, columns));
    }
  }
  if (buttons.length === 0) return undefined;
  if (buttons.length <= ONE_KEYBOARD_MAX_BUTTONS) return { Type: "keyboard", DefaultHeight: false, Buttons: buttons };
  // Too many: the last row (Back/Cancel or the menu entry) stays, the list is cut before it.
  const lastRow = rows.at(-1) ?? [];
  const tail = buttons.slice(buttons.length - Math.min(lastRow.length, 3));
  const head = buttons.slice(0, ONE_KEYBOARD_MAX_BUTTONS - tail.length);
  return { Type: "keyboard", DefaultHeight: false, Buttons: [...head, ...tail] };
}

/** The welcome (answer to `conversation_started`): the whole turn as one message, since only one may go out. */
export function viberWelcome(replies: Reply[]): ViberMessage | undefined {
  const message = oneMessage(replies);
  return message === undefined ? undefined : viberMessages([message])[0];
}

/**
 * One Viber message per reply, all of the turn's buttons on the last one (the only keyboard Viber shows); "edit
 * previous" degrades to a new message.
 */
export function viberMessages(replies: Reply[]): ViberMessage[] {
  return oneKeyboardTurn(replies).flatMap((reply): ViberMessage[] => {
    if (reply.kind === "text" && reply.cards !== undefined && reply.cards.items.length > 0) {
      // A list: the cards as a carousel (the full text as its fallback), then the header with the keyboard.
      const keyboard = keyboardOf(reply.buttons ?? []);
      return [
        carousel(reply.cards.items, reply.text),
        {
          type: "text",
          text: reply.cards.header.slice(0, TEXT_LIMIT),
          ...(keyboard === undefined ? {} : { keyboard }),
        },
      ];
    }
    const keyboard = keyboardOf(reply.buttons ?? []);
    const extra = keyboard === undefined ? {} : { keyboard };
    if (reply.kind === "photo")
      return [
        { type: "picture", text: (reply.caption ?? "").slice(0, PICTURE_TEXT_LIMIT), media: reply.url, ...extra },
      ];
    // Viber fetches media by URL: a private file goes as its short-lived link.
    if (reply.kind === "file") {
      return [
        /^image\/(jpeg|png)$/.test(reply.mime)
          ? { type: "picture", text: (reply.caption ?? "").slice(0, PICTURE_TEXT_LIMIT), media: reply.link, ...extra }
          : {
              type: "file",
              media: reply.link,
              size: reply.bytes.length,
              file_name: reply.name.slice(0, 200),
              ...extra,
            },
      ];
    }
    return [{ type: "text", text: reply.text.slice(0, TEXT_LIMIT), ...extra }];
  });
}

/** Rich media: at most 6 cards of 3 rows (title and detail, then the Open button), needing Viber API level 7. */
const CARDS_MAX = 6;

function carousel(items: Array<{ title: string; detail: string; open: string; data: string }>, fallback: string) {
  const buttons = items.slice(0, CARDS_MAX).flatMap((item) => [
    {
      Columns: 6,
      Rows: 2,
      ActionType: "reply",
      ActionBody: item.data,
      Silent: true,
      Text: `<b>${escapeViber(item.title)}</b><br>${escapeViber(item.detail)}`.slice(0, BUTTON_TEXT_LIMIT),
      TextVAlign: "top",
      TextHAlign: "left",
    },
    {
      Columns: 6,
      Rows: 1,
      ActionType: "reply",
      ActionBody: item.data,
      Silent: true,
      Text: escapeViber(item.open).slice(0, BUTTON_TEXT_LIMIT),
    },
  ]);
  return {
    type: "rich_media" as const,
    min_api_version: 7,
    rich_media: { Type: "rich_media" as const, ButtonsGroupColumns: 6, ButtonsGroupRows: 3, Buttons: buttons },
    alt_text: fallback.slice(0, TEXT_LIMIT),
  };
}

/** Viber's rich media text takes a few HTML-like tags; a title's own `<` and `&` are escaped. */
const escapeViber = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
