import type { Connection } from "mongoose";
import { newUserFields, userModels, type IdentityDoc, type UserDoc } from "../../core/users/user-model.ts";

/**
 * Inserts people straight into the database (for broadcast tests and
 * benchmarks): ids `U<prefix><n>` with Telegram chats `tg:<base+n>` and Viber
 * chats `vb:vbseed<n>`, alternating channel and language; `blockedEvery`
 * marks every k-th chat unreachable.
 */
export async function seedUsers(
  connection: Connection,
  options: { count: number; idPrefix: string; tgBase: number; blockedEvery?: number },
): Promise<{ users: UserDoc[]; identities: IdentityDoc[] }> {
  const { User, Identity } = userModels(connection);
  const now = new Date();
  const users: UserDoc[] = [];
  const identities: IdentityDoc[] = [];
  for (let i = 0; i < options.count; i++) {
    const userId = `U${options.idPrefix}${String(i).padStart(6, "0")}`;
    const channel = i % 2 === 0 ? "tg" : "vb";
    const externalId = channel === "tg" ? String(options.tgBase + i) : `vbseed${options.idPrefix}${i}==`;
    users.push({
      _id: userId,
      ...newUserFields(
        { name: `Seed ${i}`, language: i % 3 === 0 ? "my" : "en", languageChosen: true, invitedBy: null },
        now,
      ),
    });
    users[users.length - 1]?.identityKeys.push(`${channel}:${externalId}`);
    const blocked = options.blockedEvery !== undefined && i % options.blockedEvery === options.blockedEvery - 1;
    identities.push({
      _id: `${channel}:${externalId}`,
      userId,
      channel,
      externalId,
      transport: channel === "tg" ? "telegram" : "viber",
      username: null,
      reachable: !blocked,
      unreachableAt: blocked ? now : null,
      createdAt: now,
    });
  }
  for (let i = 0; i < users.length; i += 1000) {
    await User.insertMany(users.slice(i, i + 1000), { ordered: false });
    await Identity.insertMany(identities.slice(i, i + 1000), { ordered: false });
  }
  return { users, identities };
}
