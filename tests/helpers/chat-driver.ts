import { buttonsOf } from "../fakes/fake-telegram-api.ts";
import { keyboardOf } from "../fakes/fake-viber-api.ts";
import { tgButton, type TgUser } from "../fakes/telegram-updates.ts";
import { vbText, type VbUser } from "../fakes/viber-events.ts";
import type { ViberHarness } from "./viber-harness.ts";

type Label = string | RegExp;
const textOf = (value: unknown): string => (typeof value === "string" ? value : "");
const matches = (text: string, label: Label) => (typeof label === "string" ? text === label : label.test(text));

/** Reads and presses what a Telegram or Viber person sees, through the fake platform APIs of a harness. */
export function chatDriver(h: ViberHarness) {
  const tgCalls = (user: TgUser) =>
    h.telegram.calls.filter(
      (call) => String(call.payload.chat_id) === String(user.id) && /^(sendMessage|editMessageText)$/.test(call.method),
    );
  const tgLast = (user: TgUser) => tgCalls(user).at(-1);
  const vbLast = (user: VbUser) => h.viber.lastTo(user.id);
  return {
    /** The last text a Telegram person got. */
    tgText: (user: TgUser): string => textOf(tgLast(user)?.payload.text),
    /**
     * Presses a button of the latest message that has it (a notification may have arrived after it, as on a real
     * phone).
     */
    async tgPress(user: TgUser, label: Label): Promise<void> {
      const withButton = tgCalls(user).findLast((call) =>
        buttonsOf(call).some((button) => matches(button.text, label)),
      );
      const found = buttonsOf(withButton).find((button) => matches(button.text, label));
      if (found?.data === undefined)
        throw new Error(`no button ${String(label)} in: ${textOf(tgLast(user)?.payload.text)}`);
      await h.postTelegram(tgButton(user, found.data));
    },
    tgButtons: (user: TgUser): string[] => buttonsOf(tgLast(user)).map((button) => button.text),
    vbText: (user: VbUser): string => textOf(vbLast(user)?.payload.text),
    async vbPress(user: VbUser, label: Label): Promise<void> {
      const found = keyboardOf(vbLast(user)?.payload).find((button) => matches(button.text, label));
      if (found === undefined) throw new Error(`no button ${String(label)} in: ${textOf(vbLast(user)?.payload.text)}`);
      await h.post(vbText(user, found.body));
    },
    vbButtons: (user: VbUser): string[] => keyboardOf(vbLast(user)?.payload).map((button) => button.text),
  };
}
