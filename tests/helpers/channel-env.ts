import { telegramEnv } from "./telegram-harness.ts";

export const VB_TOKEN = "4453b6ac12345678-e02c5f12174805f9-daec9cbb5448c51f";

/** Environment that turns on Telegram (webhook) and Viber, each pointed at a fake API. */
export function channelEnv(telegramUrl: string, viberUrl: string): Record<string, string> {
  return { ...telegramEnv(telegramUrl), VIBER_AUTH_TOKEN: VB_TOKEN, VIBER_API_ROOT: viberUrl };
}
