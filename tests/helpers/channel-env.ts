import { TG_SECRET, TG_TOKEN } from "./telegram-harness.ts";

export const VB_TOKEN = "4453b6ac12345678-e02c5f12174805f9-daec9cbb5448c51f";

/** Environment that turns on Telegram (webhook) and Viber, each pointed at a fake API. */
export function channelEnv(telegramUrl: string, viberUrl: string): Record<string, string> {
  return {
    TELEGRAM_MODE: "webhook",
    TELEGRAM_BOT_TOKEN: TG_TOKEN,
    TELEGRAM_WEBHOOK_SECRET: TG_SECRET,
    TELEGRAM_API_ROOT: telegramUrl,
    VIBER_AUTH_TOKEN: VB_TOKEN,
    VIBER_API_ROOT: viberUrl,
    PUBLIC_URL: "https://bot.example.test",
  };
}
