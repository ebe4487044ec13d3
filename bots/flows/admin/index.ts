import type { Feature } from "../../engine/feature.ts";
import { adminActions } from "./admin-actions.ts";
import { broadcastActions, broadcastFlow } from "./broadcast-flow.ts";
import { statsActions } from "./stats-action.ts";
import { userAdminActions, userAdminFlow } from "./user-admin-flow.ts";

/** `/admin`: the sections a person's roles allow. Installed first, so it leads every admin's command menu. */
export const adminHomeFeature: Feature = {
  id: "admin-home",
  adminCommands: [{ command: "admin", action: "admin", gate: "any_role" }],
};

/** Platform administration: figures, people, broadcasts, the audit log and roles. */
export const adminFeature: Feature = {
  id: "admin",
  flows: [userAdminFlow, broadcastFlow],
  actions: [...adminActions, ...userAdminActions, ...statsActions, ...broadcastActions],
  adminCommands: [
    { command: "stats", action: "stats", gate: "stats" },
    { command: "user", action: "user", gate: "users" },
    { command: "broadcast", action: "broadcast", gate: "broadcast" },
    { command: "audit", action: "audit", gate: "audit" },
    { command: "grant", action: "grant", gate: "roles" },
    { command: "revoke", action: "revoke", gate: "roles" },
  ],
};
