import { sectionsFor } from "../../../core/admin/roles.ts";
import { PUBLIC_ID_PATTERN } from "../../../core/users/public-id.ts";
import { ROLES, type Role } from "../../../core/users/user-model.ts";
import { actionData } from "../../engine/button-data.ts";
import type { Action, FlowContext } from "../../engine/contract.ts";
import { text } from "../../engine/replies.ts";
import { auditAction } from "./audit-action.ts";
import type { AdminServices } from "./services.ts";

/** `/admin`: the sections this person's roles allow. */
export const adminMenuAction: Action<AdminServices> = {
  id: "admin",
  gate: "any_role",
  run: (ctx) => ({
    replies: [
      {
        kind: "text",
        text: ctx.t("admin:menu_title"),
        buttons: sectionsFor(ctx.user).map((section) => [
          { label: ctx.t(`admin:section.${section}`), data: actionData(`admin.${section}`) },
        ]),
      },
    ],
    menu: false,
  }),
};

async function rolesOverview(ctx: FlowContext<AdminServices>): Promise<string> {
  const holders = await ctx.services.roles.holders();
  const lines = holders.map(
    (holder) =>
      `${holder._id} · ${holder.name} · ${holder.roles.map((role) => ctx.t(`admin:role.${role}`)).join(", ")}`,
  );
  return [
    ctx.t("admin:roles_help"),
    "",
    holders.length === 0 ? ctx.t("admin:roles_none") : ctx.t("admin:roles_list"),
    ...lines,
  ].join("\n");
}

export const rolesAction: Action<AdminServices> = {
  id: "admin.roles",
  gate: "roles",
  run: async (ctx) => ({ replies: [text(await rolesOverview(ctx))] }),
};

function roleChange(id: "grant" | "revoke"): Action<AdminServices> {
  return {
    id,
    gate: "roles",
    run: async (ctx, args) => {
      const [publicId = "", roleName = ""] = args.split(/\s+/);
      const role = roleName.toLowerCase() as Role;
      if (!PUBLIC_ID_PATTERN.test(publicId.toUpperCase()) || !ROLES.includes(role))
        return { replies: [text(ctx.t("admin:roles_usage", { command: id }))] };
      const result = await ctx.services.roles.change(ctx.user, ctx.channel, publicId, role, id === "grant");
      const vars = { id: publicId.toUpperCase(), role: ctx.t(`admin:role.${role}`) };
      switch (result.kind) {
        case "no_such_user":
          return { replies: [text(ctx.t("admin:no_such_user", vars))] };
        case "last_owner":
          return { replies: [text(ctx.t("admin:last_owner"))] };
        case "unchanged":
          return {
            replies: [
              text(
                ctx.t("admin:unchanged", {
                  ...vars,
                  roles: result.user.roles.map((held) => ctx.t(`admin:role.${held}`)).join(", ") || "—",
                }),
              ),
            ],
          };
        case "done":
          if (result.user._id === ctx.user._id) ctx.user = { ...ctx.user, roles: result.user.roles };
          return { replies: [text(ctx.t(id === "grant" ? "admin:granted" : "admin:revoked", vars))] };
      }
    },
  };
}

export const adminAuditButton: Action<AdminServices> = {
  id: "admin.audit",
  gate: "audit",
  run: (ctx) => auditAction.run(ctx, ""),
};

export const adminActions: Action<AdminServices>[] = [
  adminMenuAction,
  rolesAction,
  roleChange("grant"),
  roleChange("revoke"),
  auditAction,
  adminAuditButton,
];
