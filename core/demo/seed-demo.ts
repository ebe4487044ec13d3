import type { Connection } from "mongoose";
import { base31 } from "../users/public-id.ts";
import { newUserFields, userModels, type IdentityDoc, type UserDoc } from "../users/user-model.ts";

export const DEMO_PEOPLE = 300;
/** `UDEM` + the index in base 31: valid, distinct, recognisable. */
export const demoId = (index: number): string => `UDEM${base31(index, 4)}`;

/**
 * Local mode only: on a fresh database, 300 demo people reachable through the
 * sandbox (alternating Telegram/Viber personas, English/Burmese, every 20th
 * unreachable), so stats, /user and broadcasts have someone to work on.
 * Returns how many were added (0 when the database already has people).
 */
export async function seedDemoPeople(connection: Connection, now = new Date()): Promise<number> {
  const { User, Identity } = userModels(connection);
  if ((await User.estimatedDocumentCount().exec()) > 0) return 0;
  const users: UserDoc[] = [];
  const identities: IdentityDoc[] = [];
  for (let i = 0; i < DEMO_PEOPLE; i++) {
    const userId = demoId(i);
    const channel = i % 2 === 0 ? "tg" : "vb";
    const externalId = channel === "tg" ? String(800_000_000 + i) : `demoViber${i}==`;
    const createdAt = new Date(now.getTime() - (i % 30) * 24 * 3600_000);
    users.push({
      _id: userId,
      ...newUserFields(
        { name: `Demo ${i + 1}`, language: i % 3 === 0 ? "en" : "my", languageChosen: true, invitedBy: null },
        createdAt,
      ),
    });
    users[users.length - 1]?.identityKeys.push(`${channel}:${externalId}`);
    identities.push({
      _id: `${channel}:${externalId}`,
      userId,
      channel,
      externalId,
      transport: "sandbox",
      username: channel === "tg" ? `demo${i + 1}` : null,
      reachable: i % 20 !== 19,
      unreachableAt: null,
      createdAt,
    });
  }
  await User.insertMany(users, { ordered: false });
  await Identity.insertMany(identities, { ordered: false });
  return users.length;
}
