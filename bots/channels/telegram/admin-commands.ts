import type { Api } from "grammy";
import { mayUse } from "../../../core/admin/roles.ts";
import type { UserDoc } from "../../../core/users/user-model.ts";
import type { Translator } from "../../../core/i18n/translator.ts";
import type { InstalledFeatures } from "../../engine/feature.ts";

/** Where the signature of a chat's admin command menu is kept (read and written with the chat's turn). */
export const adminMenuKey = (prefix: string, chatId: string): string => `${prefix}:tg-admin-menu:{${chatId}}`;

/**
 * Gives an admin their own Telegram command menu, scoped to their chat and in
 * their language, and takes it away when their last role is revoked. A
 * signature per chat in Redis means the Bot API is called only on change: the
 * turn reads it as it starts (`current`) and writes it as it ends (`remember`).
 */
export async function syncAdminCommands(options: {
  api: Api;
  translator: Translator;
  features: Pick<InstalledFeatures, "publicCommands" | "adminCommands">;
  chatId: string;
  user: UserDoc;
  current: string | null;
  remember: (signature: string | null) => void;
}): Promise<void> {
  const { api, chatId, user } = options;
  const signature = user.roles.length === 0 ? "" : `${[...user.roles].sort().join(",")}|${user.language}`;
  if ((options.current ?? "") === signature) return;
  const scope = { type: "chat" as const, chat_id: Number(chatId) };
  if (signature === "") {
    await api.deleteMyCommands({ scope });
    options.remember(null);
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
  options.remember(signature);
}
