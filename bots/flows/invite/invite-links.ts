import type { BotLinks } from "../../../core/linking/bot-links.ts";

/**
 * Deep links carrying an invite code (a public id: 8 characters of A-Z 2-9, inside Telegram's 64-character payload
 * alphabet).
 */
export function inviteLinks(links: BotLinks, code: string): { telegram: string; viber: string } {
  return {
    telegram: `https://t.me/${links.telegramUsername}?start=${code}`,
    viber: `viber://pa?chatURI=${encodeURIComponent(links.viberChatUri)}&context=${code}`,
  };
}
