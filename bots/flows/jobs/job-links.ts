import type { BotLinks } from "../../../core/linking/bot-links.ts";

/**
 * Start payload of a shared job: `<jobId>_<sharer's public id>` (16 characters of [A-Za-z0-9_], under Telegram's 64).
 */
export const jobPayload = (jobId: string, sharerId: string): string => `${jobId}_${sharerId}`;

export function jobIdFrom(payload: string | undefined): string | undefined {
  return payload
    ?.split(/[-_]/)
    .find((part) => /^J[2-9A-HJKMNP-Z]{6}$/i.test(part))
    ?.toUpperCase();
}

export function jobLinks(links: BotLinks, jobId: string, sharerId: string): { telegram: string; viber: string } {
  const payload = jobPayload(jobId, sharerId);
  return {
    telegram: `https://t.me/${links.telegramUsername}?start=${payload}`,
    viber: `viber://pa?chatURI=${encodeURIComponent(links.viberChatUri)}&context=${payload}`,
  };
}
