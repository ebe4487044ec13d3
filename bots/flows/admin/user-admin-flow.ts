import { roleFor } from "../../../core/admin/roles.ts";
import type { UserDoc } from "../../../core/users/user-model.ts";
import type { Action, Flow, FlowContext, Reply, StepInput, Transition } from "../../engine/contract.ts";
import { stringField } from "../../engine/flow-data.ts";
import { text } from "../../engine/replies.ts";
import { yangonTime } from "../../../core/values/yangon-time.ts";
import type { AdminServices } from "./services.ts";

const targetOf = (ctx: FlowContext<AdminServices>) => stringField(ctx.data, "target");

/** Why someone is banned; the person is told it in their language. "Other" is typed by the admin. */
const BAN_REASONS = ["spam", "fraud", "fake_referrals", "abuse"] as const;

const banReasonText = (ctx: FlowContext<AdminServices>): string => {
  const reason = stringField(ctx.data, "banReason");
  return reason.startsWith("other:") ? reason.slice(6) : ctx.t(`common:ban_reason.${reason}`);
};

async function audit(
  ctx: FlowContext<AdminServices>,
  action: string,
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
): Promise<void> {
  await ctx.services.audit.record({
    actorId: ctx.user._id,
    actorRole: roleFor(ctx.user, "users"),
    channel: ctx.channel,
    action,
    target: targetOf(ctx),
    before,
    after,
  });
}

/** The summary an admin sees; opening it is a sensitive read, so it is audited. */
async function card(ctx: FlowContext<AdminServices>): Promise<Reply[]> {
  const { users } = ctx.services;
  const user = await users.findUser(targetOf(ctx));
  if (user === null) return [text(ctx.t("useradmin:not_found", { query: targetOf(ctx) }))];
  const [identities, inviter, invitees] = await Promise.all([
    users.identitiesOf(user._id),
    user.invitedBy === null ? Promise.resolve(null) : users.findUser(user.invitedBy),
    users.countInvitees(user._id),
  ]);
  await audit(ctx, "user.view", null, null);
  const chats = identities
    .map(
      (identity) =>
        `${identity.channel === "tg" ? "Telegram" : "Viber"}` +
        `${identity.transport === "sandbox" ? ctx.t("useradmin:sandbox_mark") : ""}` +
        `${identity.username ? ` @${identity.username}` : ""}: ` +
        `${ctx.t(identity.reachable ? "useradmin:reachable" : "useradmin:unreachable")}`,
    )
    .join("; ");
  const summary = ctx.t("useradmin:card", {
    id: user._id,
    name: user.name,
    status: ctx.t(`useradmin:status.${user.status}`),
    language: user.language,
    roles: user.roles.join(", ") || "—",
    joined: yangonTime(new Date(user.createdAt)),
    seen: yangonTime(new Date(user.lastSeenAt)),
    inviter: inviter === null ? "—" : `${inviter._id} · ${inviter.name}`,
    invitees: invitees,
    identities: chats || "—",
  });
  const banLabel = user.status === "banned" ? ctx.t("useradmin:unban") : ctx.t("useradmin:ban");
  return [
    {
      kind: "text",
      text: summary,
      buttons: [
        [ctx.stepButton(banLabel, user.status === "banned" ? "unban" : "ban")],
        [ctx.stepButton(ctx.t("useradmin:reset"), "reset")],
        [ctx.stepButton(ctx.t("useradmin:message"), "message")],
      ],
    },
  ];
}

async function find(ctx: FlowContext<AdminServices>, query: string): Promise<UserDoc | null> {
  return ctx.services.users.findByQuery(query);
}

async function onCard(ctx: FlowContext<AdminServices>, input: StepInput): Promise<Transition> {
  if (input.kind !== "value") return { stay: [text(ctx.t("common:unknown_text"))] };
  const id = targetOf(ctx);
  const { users, conversations } = ctx.services;
  switch (input.value) {
    case "ban":
      return { to: "ban_reason" };
    case "unban": {
      const before = await users.setStatus(id, "active");
      if (before === null) return { done: [text(ctx.t("useradmin:not_found", { query: id }))] };
      await audit(ctx, "user.unban", { status: before }, { status: "active" });
      return { stay: [text(ctx.t("useradmin:unbanned_done", { id })), ...(await card(ctx))] };
    }
    case "reset": {
      for (const identity of await users.identitiesOf(id)) await conversations.reset(identity._id);
      await audit(ctx, "user.reset_conversation", null, null);
      return { stay: [text(ctx.t("useradmin:reset_done", { id })), ...(await card(ctx))] };
    }
    case "message":
      return { to: "compose" };
    default:
      return { stay: await card(ctx) };
  }
}

/** `/user <public id | @username | phone>`, or Users in /admin: find someone, see them, act on them. All audited. */
export const userAdminFlow: Flow<AdminServices> = {
  id: "useradmin",
  gate: "users",
  first: "find",
  steps: {
    find: {
      render: (ctx) => [text(ctx.t("useradmin:find_prompt"))],
      handle: async (ctx, input) => {
        if (input.kind !== "text") return { stay: [text(ctx.t("useradmin:find_prompt"))] };
        const user = await find(ctx, input.text);
        if (user === null) return { stay: [text(ctx.t("useradmin:not_found", { query: input.text }))] };
        ctx.data.target = user._id;
        return { to: "card" };
      },
    },
    card: { render: card, handle: onCard },
    // A ban needs a reason (the person is told it) and a second tap; typing gives a reason of one's own.
    ban_reason: {
      render: (ctx) => [
        {
          kind: "text",
          text: ctx.t("useradmin:ban_ask_reason", { id: targetOf(ctx) }),
          buttons: BAN_REASONS.map((reason) => [ctx.stepButton(ctx.t(`common:ban_reason.${reason}`), reason)]),
        },
      ],
      handle: (ctx, input) => {
        if (input.kind === "value" && (BAN_REASONS as readonly string[]).includes(input.value))
          ctx.data.banReason = input.value;
        else if (input.kind === "text" && input.text.trim().length >= 3)
          ctx.data.banReason = `other:${input.text.trim().slice(0, 200)}`;
        else return { stay: [] };
        return { to: "ban_confirm" };
      },
    },
    ban_confirm: {
      render: (ctx) => [
        {
          kind: "text",
          text: ctx.t("useradmin:ban_confirm", { id: targetOf(ctx), reason: banReasonText(ctx) }),
          buttons: [[ctx.stepButton(ctx.t("useradmin:ban_yes"), "yes")]],
        },
      ],
      handle: async (ctx, input) => {
        if (input.kind !== "value" || input.value !== "yes") return { stay: [] };
        const id = targetOf(ctx);
        const reason = stringField(ctx.data, "banReason");
        const before = await ctx.services.users.setStatus(id, "banned", reason);
        if (before === null) return { done: [text(ctx.t("useradmin:not_found", { query: id }))] };
        await audit(ctx, "user.ban", { status: before }, { status: "banned", reason });
        return { to: "card", replies: [text(ctx.t("useradmin:banned_done", { id }))] };
      },
    },
    compose: {
      render: (ctx) => [text(ctx.t("useradmin:compose", { id: targetOf(ctx) }))],
      handle: (ctx, input) => {
        if (input.kind !== "text" || input.text.trim() === "")
          return { stay: [text(ctx.t("useradmin:compose", { id: targetOf(ctx) }))] };
        ctx.data.message = input.text.slice(0, 3500);
        return { to: "confirm" };
      },
    },
    confirm: {
      render: (ctx) => [
        {
          kind: "text",
          text: ctx.t("useradmin:confirm", { id: targetOf(ctx), text: stringField(ctx.data, "message") }),
          buttons: [[ctx.stepButton(ctx.t("useradmin:send"), "send")]],
        },
      ],
      handle: async (ctx, input) => {
        if (input.kind !== "value" || input.value !== "send") return { stay: [text(ctx.t("common:unknown_text"))] };
        const id = targetOf(ctx);
        const message = stringField(ctx.data, "message");
        const { translator } = ctx.services;
        const result = await ctx.services.notifier.notify({
          userId: id,
          // One key per admin turn: pressing Send twice on the same screen queues it once.
          key: `admin-message:${id}:${ctx.user._id}:${ctx.now.getTime()}`,
          text: {
            en: translator.t("en")("useradmin:from_team", { text: message }),
            my: translator.t("my")("useradmin:from_team", { text: message }),
          },
          urgent: true,
        });
        await audit(ctx, "user.message", null, { result, length: message.length });
        return {
          done: [
            text(
              ctx.t(result === "queued" || result === "duplicate" ? "useradmin:queued" : "useradmin:not_sent", { id }),
            ),
          ],
        };
      },
    },
  },
};

export const userAdminActions: Action<AdminServices>[] = [
  {
    id: "user",
    gate: "users",
    run: async (ctx, args) => {
      if (args.trim() === "") return { startFlow: "useradmin" };
      const user = await find(ctx, args);
      if (user === null) return { replies: [text(ctx.t("useradmin:not_found", { query: args.trim() }))] };
      return { startFlow: "useradmin", step: "card", data: { target: user._id } };
    },
  },
  { id: "admin.users", gate: "users", run: () => ({ startFlow: "useradmin" }) },
];
