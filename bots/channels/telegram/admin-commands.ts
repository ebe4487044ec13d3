import type { Api } from "grammy";
import type { Redis } from "ioredis";
import { mayUse } from "../../../core/admin/roles.ts";
import type { UserDoc } from "../../../core/users/user-model.ts";
import type { Translator } from "../../../core/i18n/translator.ts";
import type { InstalledFeatures } from "../../engine/feature.ts";

/**
 * Gives an admin their own Telegram command menu, scoped to their chat and in
 * their language, and takes it away when their last role is revoked. A
 * signature per chat in Redis means the Bot API is called only on change.
 */
export async function syncAdminCommands(options: {
  api: Api;
  redis: Redis;
  prefix: string;
  translator: Translator;
  features: Pick<InstalledFeatures, "publicCommands" | "adminCommands">;
  chatId: string;
  user: UserDoc;
}): Promise<void> {
  const { api, redis, chatId, user } = options;
  const key = `${options.prefix}:tg-admin-menu:${chatId}`;
  const signature = user.roles.length === 0 ? "" : `${[...user.roles].sort().join(",")}|${user.language}`;
  const current = await redis.get(key);
  if ((current ?? "") === signature) return;
  const scope = { type: "chat" as const, chat_id: Number(chatId) };
  if (signature === "") {
    await api.deleteMyCommands({ scope });
    await redis.del(key);
    return;
  }
  const t = options.translator.t(user.language);
  const commands = [
    ...options.features.publicCommands.map((command) => ({ command, description: t(`common:commands.${command}`) })),
    ...options.features.adminCommands
      .filter(({ gate }) => (gate === "any_role" ? true : mayUse(user, gate)))
      .map(({ command }) => ({
        command,
        description: t(`admin:commands.${command}`),
      })),
  ];
  await api.setMyCommands(commands, { scope });
  await redis.set(key, signature);
}
