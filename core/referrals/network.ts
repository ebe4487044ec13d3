import type { UserDoc } from "../users/user-model.ts";
import type { UserService } from "../users/user-service.ts";

export const NETWORK_DEPTH = 3;

/**
 * The inviters of a user, nearest first, up to 3 levels. An inviter is fixed
 * when a user is created, so the chain cannot loop; the visited set is a
 * second guard. A merged account counts as the account it was merged into.
 */
export async function inviterChain(users: UserService, userId: string, depth = NETWORK_DEPTH): Promise<UserDoc[]> {
  const chain: UserDoc[] = [];
  const seen = new Set([userId]);
  let current = await users.findUser(userId);
  while (current !== null && current.invitedBy !== null && chain.length < depth) {
    let inviter = await users.findUser(current.invitedBy);
    for (let hop = 0; inviter !== null && inviter.status === "merged" && inviter.mergedInto !== null && hop < 5; hop++)
      inviter = await users.findUser(inviter.mergedInto);
    if (inviter === null || seen.has(inviter._id)) break;
    seen.add(inviter._id);
    chain.push(inviter);
    current = inviter;
  }
  return chain;
}

/** How many people a user brought in at each level (level 1: invited by them; 2: by those; 3: …). */
export async function networkSizes(
  users: Pick<UserService, "inviteesOf">,
  userId: string,
  depth = NETWORK_DEPTH,
): Promise<number[]> {
  const sizes: number[] = [];
  let level = [userId];
  for (let i = 0; i < depth; i++) {
    const next = await users.inviteesOf(level);
    sizes.push(next.length);
    level = next;
  }
  return sizes;
}
