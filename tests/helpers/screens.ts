import type { ChatMessage } from "../fakes/fake-telegram-api.ts";
import { keyboardOf } from "../fakes/fake-viber-api.ts";
import { tgButton, tgContact, tgDocument, tgText, type TgUser } from "../fakes/telegram-updates.ts";
import { vbConversationStarted, vbPicture, vbText, type VbUser } from "../fakes/viber-events.ts";
import type { ViberHarness } from "./viber-harness.ts";

export type Label = string | RegExp;
let uploads = 0;
const matches = (text: string, label: Label) => (typeof label === "string" ? text === label : label.test(text));

/**
 * What one person sees in their app, and what they can do there: press a button that is on screen (by its label),
 * type, open a link. Both apps are modelled as they behave: Telegram keeps every message with its own inline keyboard
 * and applies edits in place; Viber shows a list of messages and one keyboard, the last message's.
 */
export interface Screen {
  readonly channel: "tg" | "vb";
  /** The message texts on screen, oldest first. */
  texts(): string[];
  /** The newest message's text. */
  lastText(): string;
  /** Every label that can be pressed now (Telegram: on any message, newest first; Viber: the one keyboard). */
  buttons(): string[];
  /** The labels of the newest message's keyboard (on Viber the same as `buttons()`). */
  newestButtons(): string[];
  /** Presses the newest visible button with that label; fails when no such button is on screen. */
  press(label: Label): Promise<void>;
  /** The link behind a visible link button (share, pay, open). */
  linkOf(label: Label): string;
  type(text: string): Promise<void>;
  /** Sends a picture file, as the app uploads it (Telegram: a document with its file id; Viber: a picture URL). */
  sendPhoto(bytes: Buffer): Promise<void>;
  /** Shares the phone number (Telegram's contact button, Viber's share-phone). */
  sharePhone(phone: string): Promise<void>;
  /** Opens the bot from a deep link (`/start <payload>`, Viber's `context`). */
  open(payload?: string): Promise<void>;
  /** The last toast this person got (Telegram's answer to one of their presses), if any. */
  toast(): string | undefined;
}

interface TgButton {
  text: string;
  callback_data?: string;
  url?: string;
}

const inlineRows = (message: ChatMessage): TgButton[] =>
  ((message.markup?.inline_keyboard as TgButton[][] | undefined) ?? []).flat();

/** Telegram's screen, plus a press on a chosen message (an older one still on screen: a stale tap). */
export interface TelegramScreen extends Screen {
  pressOn(messageId: number, label: Label): Promise<void>;
}

export function telegramScreen(h: ViberHarness, user: TgUser): TelegramScreen {
  const messages = () => h.telegram.chat(user.id);
  /** The ids of this person's presses, to tell their toasts from other people's. */
  const pressed = new Set<string>();
  const tap = async (data: string, messageId: number) => {
    const update = tgButton(user, data, messageId);
    pressed.add((update.callback_query as { id: string }).id);
    await h.postTelegram(update);
  };
  const newestWith = (label: Label) =>
    messages()
      .reverse()
      .map((message) => ({ message, button: inlineRows(message).find((button) => matches(button.text, label)) }))
      .find((found) => found.button !== undefined);
  const replyKeyboard = (): string[] => {
    const last = messages().findLast(
      (message) => message.markup !== undefined && !("inline_keyboard" in message.markup),
    );
    const rows = (last?.markup?.keyboard as Array<Array<{ text: string }>> | undefined) ?? [];
    return rows.flat().map((button) => button.text);
  };
  const screen: TelegramScreen = {
    channel: "tg",
    texts: () => messages().map((message) => message.text),
    lastText: () => messages().at(-1)?.text ?? "",
    buttons: () => [
      ...replyKeyboard(),
      ...messages()
        .reverse()
        .flatMap((message) => inlineRows(message).map((button) => button.text)),
    ],
    newestButtons: () => {
      const newest = messages().at(-1);
      return newest === undefined ? [] : inlineRows(newest).map((button) => button.text);
    },
    async press(label) {
      const found = newestWith(label);
      if (found?.button?.callback_data !== undefined) return tap(found.button.callback_data, found.message.id);
      const typed = replyKeyboard().find((text) => matches(text, label));
      if (typed !== undefined) return screen.type(typed);
      throw new Error(`no button ${String(label)} on screen; visible: ${screen.buttons().join(" | ")}`);
    },
    linkOf(label) {
      const url = newestWith(label)?.button?.url;
      if (url === undefined) throw new Error(`no link button ${String(label)} on screen`);
      return url;
    },
    async type(text) {
      await h.postTelegram(tgText(user, text));
    },
    async sharePhone(phone) {
      await h.postTelegram(tgContact(user, phone));
    },
    async sendPhoto(bytes) {
      const fileId = `PHOTO${++uploads}`;
      h.telegram.addFile(fileId, bytes);
      await h.postTelegram(tgDocument(user, { fileId, name: "photo.png", mime: "image/png", size: bytes.length }));
    },
    async open(payload) {
      await h.postTelegram(tgText(user, payload === undefined ? "/start" : `/start ${payload}`));
    },
    async pressOn(messageId, label) {
      const message = messages().find((candidate) => candidate.id === messageId);
      const button = message === undefined ? undefined : inlineRows(message).find((b) => matches(b.text, label));
      if (button?.callback_data === undefined) throw new Error(`no button ${String(label)} on message ${messageId}`);
      await tap(button.callback_data, messageId);
    },
    toast: () =>
      h.telegram
        .sent("answerCallbackQuery")
        .findLast((call) => pressed.has(String(call.payload.callback_query_id)) && call.payload.text !== undefined)
        ?.payload.text as string | undefined,
  };
  return screen;
}

export function viberScreen(h: ViberHarness, user: VbUser): Screen {
  /** The welcome (answer to conversation_started) and every message Viber accepted, in order. */
  const bodies = () =>
    [
      ...h.welcomes.filter((welcome) => welcome.receiver === user.id),
      ...h.viber.calls
        .filter((call) => call.method === "send_message" && call.status === 200 && call.payload.receiver === user.id)
        .map((call) => ({ receiver: user.id, body: call.payload, at: call.at })),
    ].sort((a, b) => a.at - b.at);
  const keyboard = () => keyboardOf(bodies().at(-1)?.body);
  const screen: Screen = {
    channel: "vb",
    texts: () =>
      bodies().map(({ body }) =>
        typeof body.text === "string"
          ? body.text
          : typeof body.alt_text === "string"
            ? body.alt_text
            : typeof body.media === "string"
              ? body.media
              : "",
      ),
    lastText: () => screen.texts().at(-1) ?? "",
    buttons: () => keyboard().map((button) => button.text),
    newestButtons: () => keyboard().map((button) => button.text),
    async press(label) {
      // The keyboard first; then the cards of carousels in the chat (they stay tappable), newest first.
      const cards = bodies()
        .reverse()
        .flatMap(({ body }) => cardButtons(body));
      const found = [...keyboard(), ...cards].find((button) => matches(button.text, label));
      if (found === undefined)
        throw new Error(`no button ${String(label)} on the keyboard; visible: ${screen.buttons().join(" | ")}`);
      if (found.type !== "reply") throw new Error(`${found.text} is a ${found.type} button, not a reply`);
      await h.post(vbText(user, found.body));
    },
    linkOf(label) {
      const found = keyboard().find((button) => matches(button.text, label) && button.type === "open-url");
      if (found === undefined) throw new Error(`no link button ${String(label)} on the keyboard`);
      return found.body;
    },
    async type(text) {
      await h.post(vbText(user, text));
    },
    async sharePhone(phone) {
      await h.post(
        vbText(user, "").replace(
          /"message":\{[^}]*\}/,
          `"message":{"type":"contact","contact":{"name":"${user.name}","phone_number":"${phone}"}}`,
        ),
      );
    },
    async open(payload) {
      await h.post(vbConversationStarted(user, payload));
    },
    async sendPhoto(bytes) {
      await h.post(vbPicture(user, undefined, h.viber.mediaUrl(`photo-${++uploads}`, bytes), bytes.length));
    },
    toast: () => undefined,
  };
  return screen;
}

/** The buttons of a Viber rich media (carousel) message, with their text stripped of its markup. */
export function cardButtons(body: Record<string, unknown>): Array<{ text: string; body: string; type: string }> {
  const rich = body.rich_media as
    { Buttons?: Array<{ Text?: string; ActionBody: string; ActionType: string }> } | undefined;
  return (rich?.Buttons ?? []).map((button) => ({
    text: (button.Text ?? "")
      .replace(/<br>/g, "\n")
      .replace(/<[^>]+>/g, "")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&"),
    body: button.ActionBody,
    type: button.ActionType,
  }));
}
