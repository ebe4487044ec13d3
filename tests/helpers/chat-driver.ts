import { buttonsOf } from "../fakes/fake-telegram-api.ts";
import { keyboardOf } from "../fakes/fake-viber-api.ts";
import type { TgUser } from "../fakes/telegram-updates.ts";
import type { VbUser } from "../fakes/viber-events.ts";
import { telegramScreen, viberScreen, type Label } from "./screens.ts";
import type { ViberHarness } from "./viber-harness.ts";

const textOf = (value: unknown): string => (typeof value === "string" ? value : "");

/**
 * Reads what a Telegram or Viber person was last sent (the recorded calls), and presses what they see through the
 * screen models of `screens.ts` (the button on the newest message that has it, on its real message).
 */
export function chatDriver(h: ViberHarness) {
  const tgLast = (user: TgUser) =>
    h.telegram.calls
      .filter(
        (call) =>
          String(call.payload.chat_id) === String(user.id) && /^(sendMessage|editMessageText)$/.test(call.method),
      )
      .at(-1);
  const vbLast = (user: VbUser) => h.viber.lastTo(user.id);
  return {
    /** The last text a Telegram person got. */
    tgText: (user: TgUser): string => textOf(tgLast(user)?.payload.text),
    tgPress: (user: TgUser, label: Label): Promise<void> => telegramScreen(h, user).press(label),
    tgButtons: (user: TgUser): string[] => buttonsOf(tgLast(user)).map((button) => button.text),
    vbText: (user: VbUser): string => textOf(vbLast(user)?.payload.text),
    vbPress: (user: VbUser, label: Label): Promise<void> => viberScreen(h, user).press(label),
    vbButtons: (user: VbUser): string[] => keyboardOf(vbLast(user)?.payload).map((button) => button.text),
  };
}
