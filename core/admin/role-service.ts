import type { Channel, Role, UserDoc } from "../users/user-model.ts";
import type { UserService } from "../users/user-service.ts";
import type { AuditLog } from "./audit-log.ts";

export type GrantResult =
  | { kind: "done"; user: UserDoc }
  | { kind: "no_such_user" }
  | { kind: "unchanged"; user: UserDoc }
  | { kind: "last_owner" };

/**
 * Grants and revokes admin roles (owners only, checked by the caller), and
 * makes the identities listed in ADMIN_TELEGRAM_IDS / ADMIN_VIBER_IDS owners
 * on first sight. Every change is audited.
 */
export class RoleService {
  private readonly users: Pick<UserService, "findUser" | "roleHolders" | "countWithRole" | "setRoles">;
  private readonly audit: AuditLog;
  private readonly ownerIdentities: ReadonlySet<string>;

  constructor(options: {
    users: Pick<UserService, "findUser" | "roleHolders" | "countWithRole" | "setRoles">;
    audit: AuditLog;
    ownerIdentities: Iterable<string>;
  }) {
    this.users = options.users;
    this.audit = options.audit;
    this.ownerIdentities = new Set(options.ownerIdentities);
  }

  /** Called for every update; writes (and audits) only the first time a configured owner shows up. */
  async bootstrapOwner(user: UserDoc, identityKey: string, channel: Channel): Promise<UserDoc> {
    if (!this.ownerIdentities.has(identityKey) || user.roles.includes("owner")) return user;
    const roles: Role[] = [...user.roles, "owner"];
    await this.users.setRoles(user._id, roles);
    await this.audit.record({
      actorId: "system",
      actorRole: "system",
      channel,
      action: "role.bootstrap_owner",
      target: user._id,
      before: { roles: user.roles },
      after: { roles },
    });
    return { ...user, roles };
  }

  /** Everyone holding a role (a short list), for the Roles section. */
  async holders(limit = 50): Promise<Array<Pick<UserDoc, "_id" | "name" | "roles">>> {
    return this.users.roleHolders(limit);
  }

  async change(actor: UserDoc, channel: Channel, targetId: string, role: Role, grant: boolean): Promise<GrantResult> {
    const target = await this.users.findUser(targetId.toUpperCase());
    if (target === null || target.status === "merged") return { kind: "no_such_user" };
    const has = target.roles.includes(role);
    if (has === grant) return { kind: "unchanged", user: target };
    if (!grant && role === "owner") {
      const owners = await this.users.countWithRole("owner");
      if (owners <= 1) return { kind: "last_owner" };
    }
    const roles = grant ? [...target.roles, role] : target.roles.filter((existing) => existing !== role);
    await this.users.setRoles(target._id, roles);
    await this.audit.record({
      actorId: actor._id,
      actorRole: "owner",
      channel,
      action: grant ? "role.grant" : "role.revoke",
      target: target._id,
      before: { roles: target.roles },
      after: { roles },
    });
    return { kind: "done", user: { ...target, roles } };
  }
}
