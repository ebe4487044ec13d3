import { AppError } from "../errors/app-error.ts";
import type { Role, UserDoc } from "../users/user-model.ts";

/** The admin sections, in menu order; each later feature adds its own (jobs, referrals, KYC, payouts). */
export const SECTIONS = [
  "jobs",
  "referrals",
  "kyc",
  "finance",
  "support",
  "stats",
  "users",
  "broadcast",
  "audit",
  "roles",
] as const;
export type Section = (typeof SECTIONS)[number];

/** Which roles may use each section. Owners may use everything. */
const SECTION_ROLES: Record<Section, readonly Role[]> = {
  jobs: ["owner", "admin", "recruiter"],
  referrals: ["owner", "admin", "recruiter"],
  kyc: ["owner", "admin", "reviewer"],
  finance: ["owner", "finance"],
  support: ["owner", "admin", "support"],
  stats: ["owner", "admin", "recruiter", "reviewer", "finance"],
  users: ["owner", "admin"],
  broadcast: ["owner", "admin"],
  audit: ["owner", "admin"],
  roles: ["owner"],
};

export function mayUse(user: Pick<UserDoc, "roles">, section: Section): boolean {
  return user.roles.some((role) => SECTION_ROLES[section].includes(role));
}

export function sectionsFor(user: Pick<UserDoc, "roles">): Section[] {
  return SECTIONS.filter((section) => mayUse(user, section));
}

/**
 * The role a person holds that opens `section`, recorded in the audit log for an action there (an owner acting in
 * finance is recorded as owner). Throws `role_required` when they hold none: an action is never recorded under a role
 * the person does not have.
 */
export function roleFor(user: Pick<UserDoc, "roles">, section: Section): Role {
  const held = SECTION_ROLES[section].find((role) => user.roles.includes(role));
  if (held === undefined) throw new AppError("role_required", `no role opens ${section}`);
  return held;
}

/** The role an action is recorded under: the highest one the user holds. */
export function primaryRole(user: Pick<UserDoc, "roles">): Role | undefined {
  const order: Role[] = ["owner", "admin", "finance", "reviewer", "recruiter", "support"];
  return order.find((role) => user.roles.includes(role));
}
