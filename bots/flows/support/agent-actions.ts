import { roleFor } from "../../../core/admin/roles.ts";
import { isAppError } from "../../../core/errors/app-error.ts";
import { slaBadge, type Agent } from "../../../core/support/support-service.ts";
import { PRIORITIES, type Priority, type TicketDoc } from "../../../core/support/ticket-models.ts";
import { formatNumber } from "../../../core/values/numbers.ts";
import { yangonTime } from "../../../core/values/yangon-time.ts";
import { actionData } from "../../engine/button-data.ts";
import { twoPerRow } from "../../engine/button-layout.ts";
import type { Action, Button, Flow, FlowContext, Reply } from "../../engine/contract.ts";
import { stringField } from "../../engine/flow-data.ts";
import { text } from "../../engine/replies.ts";
import type { SupportServices } from "./services.ts";

const CANNED = ["looking", "payout_time", "kyc_photo", "more_info"] as const;
const agentOf = (ctx: FlowContext<SupportServices>): Agent => ({
  userId: ctx.user._id,
  role: roleFor(ctx.user, "support"),
  channel: ctx.channel,
});
/**
 * Agent screens carry their own buttons: Telegram keeps the menu on an earlier message (no extra menu message under
 * each card); Viber's one keyboard needs the menu beside them.
 */
const withMenu = (ctx: FlowContext<SupportServices>) => ctx.channel === "vb";
const minutes = (ctx: FlowContext<SupportServices>, value: number | null) =>
  value === null ? ctx.t("support:dash") : ctx.t("support:minutes", { count: Math.round(value) });

/** What an agent sees of the person: channel, language, identity check, recent referrals and payouts (audited). */
async function card(ctx: FlowContext<SupportServices>, ticket: TicketDoc): Promise<Reply[]> {
  const [person, kyc, referrals, payouts, messages] = await Promise.all([
    ctx.services.users.findUser(ticket.userId),
    ctx.services.kyc.state(ticket.userId),
    ctx.services.referrals.byReferrer(ticket.userId, 3),
    ctx.services.payouts.byUser(ticket.userId, 3),
    ctx.services.support.messages(ticket._id, 10),
  ]);
  await ctx.services.audit.record({
    actorId: ctx.user._id,
    actorRole: roleFor(ctx.user, "support"),
    channel: ctx.channel,
    action: "ticket.view",
    target: ticket._id,
    after: { person: ticket.userId },
  });
  const body = ctx.t("support:card", {
    id: ticket._id,
    priority: ticket.priority,
    topic: ctx.t(`support:topic.${ticket.topic}`),
    status: ctx.t(`support:status.${ticket.status}`),
    opened: yangonTime(new Date(ticket.createdAt)),
    agent: ticket.agentId ?? ctx.t("support:nobody"),
    person: `${person?.name ?? "—"} (${ticket.userId})`,
    channel: ticket.channel === "tg" ? "Telegram" : "Viber",
    language: ctx.t(ticket.language === "my" ? "language:burmese" : "language:english"),
    kyc: ctx.t(`support:kyc_state.${kyc.status}`),
    referrals:
      referrals.map((r) => `${r._id} ${ctx.t(`referrals:status.${r.status}`)}`).join(", ") || ctx.t("support:none"),
    payouts:
      payouts
        .map((p) => `${p._id} ${formatNumber(p.amount, ctx.user.language)} ${ctx.t(`payouts:status.${p.status}`)}`)
        .join(", ") || ctx.t("support:none"),
    messages: messages
      .map((m) =>
        ctx.t("support:card_message", {
          time: yangonTime(new Date(m.at)).slice(11),
          from: ctx.t(`support:from.${m.from}`),
          text: m.mediaId === null ? m.text : `${m.text} 📎`,
        }),
      )
      .join("\n"),
  });
  const verb = (label: string, args: string): Button => ({ label: ctx.t(label), data: actionData("ticket", args) });
  const buttons: Button[][] =
    ticket.status === "resolved"
      ? []
      : ticket.agentId === null
        ? [[verb("support:take", `${ticket._id}.take`)], [verb("support:priority", `${ticket._id}.prio`)]]
        : [
            [verb("support:answer", `${ticket._id}.answer`), verb("support:canned", `${ticket._id}.canned`)],
            [verb("support:priority", `${ticket._id}.prio`), verb("support:resolve", `${ticket._id}.resolve`)],
          ];
  // The person's attachments in view, to this agent's chat only (uploaded on Telegram; a 15-minute link on Viber).
  const files: Reply[] = [];
  for (const message of messages.filter((m) => m.mediaId !== null).slice(-3)) {
    const mediaId = message.mediaId ?? "";
    const file = await ctx.services.media.vault.read(mediaId).catch(() => null);
    if (file === null) continue;
    const name = `${ticket._id}-${files.length + 1}.${file.ext}`;
    files.push({
      kind: "file",
      name,
      mime: file.mime,
      bytes: file.bytes,
      link: await ctx.services.media.links.issue(mediaId, name, file.ext),
    });
  }
  return [...files, { kind: "text", text: body.slice(0, 3_900), buttons }];
}

async function queueScreen(ctx: FlowContext<SupportServices>): Promise<Reply[]> {
  const tickets = await ctx.services.support.queueView(10);
  if (tickets.length === 0) return [text(ctx.t("support:queue_empty"))];
  const lines = tickets.map((ticket) =>
    ctx.t("support:queue_line", {
      badge: ctx.t(`support:badge.${slaBadge(ticket, ctx.now)}`),
      priority: ticket.priority,
      id: ticket._id,
      topic: ctx.t(`support:topic.${ticket.topic}`),
      age: Math.round((ctx.now.getTime() - new Date(ticket.createdAt).getTime()) / 60_000),
      agent: ticket.agentId ?? ctx.t("support:nobody"),
    }),
  );
  return [
    {
      kind: "text",
      text: [ctx.t("support:queue_title"), ...lines, "", ctx.t("support:queue_help")].join("\n"),
      buttons: twoPerRow(tickets.slice(0, 8).map((t) => ({ label: `🎫 ${t._id}`, data: actionData("ticket", t._id) }))),
    },
  ];
}

async function statsScreen(ctx: FlowContext<SupportServices>): Promise<Reply[]> {
  const stats = await ctx.services.support.stats(ctx.now);
  const n = (value: number) => formatNumber(value, ctx.user.language);
  return [
    text(
      ctx.t("support:stats", {
        total: stats.total,
        open: stats.open,
        p1: stats.byPriority.P1,
        p2: stats.byPriority.P2,
        p3: stats.byPriority.P3,
        p4: stats.byPriority.P4,
        response: minutes(ctx, stats.medianFirstResponseMinutes),
        resolution: minutes(ctx, stats.medianResolutionMinutes),
        onTime: stats.onTimeShare === null ? ctx.t("support:dash") : `${n(Math.round(stats.onTimeShare * 100))}%`,
        ratings: stats.ratings.count,
        average:
          stats.ratings.average === null ? ctx.t("support:dash") : n(Math.round(stats.ratings.average * 10) / 10),
      }),
    ),
  ];
}

/** `/tickets` (the queue, by priority and age, with SLA badges) and `/tickets stats`. */
export const ticketsAction: Action<SupportServices> = {
  id: "tickets",
  gate: "support",
  run: async (ctx, args) => ({
    replies: args.trim().toLowerCase() === "stats" ? await statsScreen(ctx) : await queueScreen(ctx),
    menu: withMenu(ctx),
  }),
};

export const adminTicketsButton: Action<SupportServices> = {
  id: "admin.support",
  gate: "support",
  run: async (ctx) => ({ replies: await queueScreen(ctx), menu: withMenu(ctx) }),
};

/** `/ticket T…` and the card's buttons: take, reply, canned replies, priority, resolve. */
export const ticketAction: Action<SupportServices> = {
  id: "ticket",
  gate: "support",
  run: async (ctx, args) => {
    const [rawId = "", verb = "", value = ""] = args.trim().split(/[\s.]+/);
    const id = rawId.toUpperCase();
    const ticket = await ctx.services.support.find(id);
    if (ticket === null) return { replies: [text(ctx.t("support:not_found", { id: rawId || "—" }))] };
    const agent = agentOf(ctx);
    const mine = ticket.agentId === agent.userId;
    const notYours = () => ({ replies: [text(ctx.t("support:not_yours", { id, agent: ticket.agentId ?? "—" }))] });
    switch (verb.toLowerCase()) {
      case "take": {
        const result = await ctx.services.support.take(id, agent);
        if (result.kind === "held") return { replies: [text(ctx.t("support:held_by", { id, agent: result.by }))] };
        return {
          replies: [text(ctx.t("support:taken", { id })), ...(await card(ctx, result.ticket))],
          menu: withMenu(ctx),
        };
      }
      case "answer":
        return mine ? { startFlow: "support.answer", data: { ticketId: id } } : notYours();
      case "resolve":
        return mine ? { startFlow: "support.resolve", data: { ticketId: id } } : notYours();
      case "canned": {
        if (!mine) return notYours();
        const key = CANNED.find((entry) => entry === value);
        if (key === undefined)
          return {
            replies: [
              {
                kind: "text",
                text: ctx.t("support:canned_title"),
                buttons: CANNED.map((entry) => [
                  {
                    label: ctx.t(`support:canned_label.${entry}`),
                    data: actionData("ticket", `${id}.canned.${entry}`),
                  },
                ]),
              },
            ],
          };
        const reply = ctx.services.translator.t(ticket.language)(`support:canned_reply.${key}`);
        await ctx.services.support.agentReply(id, agent, reply);
        return { replies: [text(ctx.t("support:answer_sent", { id }))] };
      }
      case "prio": {
        const priority = PRIORITIES.find((entry) => entry === value.toUpperCase());
        if (priority === undefined)
          return {
            replies: [
              {
                kind: "text",
                text: ctx.t("support:priority_title", { id }),
                buttons: [
                  PRIORITIES.map((p: Priority) => ({ label: p, data: actionData("ticket", `${id}.prio.${p}`) })),
                ],
              },
            ],
          };
        await ctx.services.support.setPriority(id, agent, priority);
        return { replies: [text(ctx.t("support:priority_set", { id, priority }))] };
      }
      default:
        return { replies: await card(ctx, ticket), menu: withMenu(ctx) };
    }
  },
};

function agentTextFlow(
  id: string,
  ask: string,
  done: string,
  act: (ctx: FlowContext<SupportServices>, ticketId: string, message: string) => Promise<unknown>,
): Flow<SupportServices> {
  return {
    id,
    first: "message",
    gate: "support",
    steps: {
      message: {
        render: (ctx) => [text(ctx.t(ask, { id: stringField(ctx.data, "ticketId") }))],
        handle: async (ctx, input) => {
          const ticketId = stringField(ctx.data, "ticketId");
          if (input.kind !== "text" || input.text.trim() === "") return { stay: [text(ctx.t(ask, { id: ticketId }))] };
          try {
            await act(ctx, ticketId, input.text.trim().slice(0, 2_000));
          } catch (error) {
            if (isAppError(error) && error.code === "ticket_not_yours")
              return {
                done: [
                  text(
                    ctx.t("support:not_yours", {
                      id: ticketId,
                      agent: typeof error.details?.agentId === "string" ? error.details.agentId : "—",
                    }),
                  ),
                ],
              };
            throw error;
          }
          return { done: [text(ctx.t(done, { id: ticketId }))] };
        },
      },
    },
  };
}

/** The agent's reply, relayed to the person marked as from TRM support. */
export const ticketAnswerFlow = agentTextFlow(
  "support.answer",
  "support:ask_answer",
  "support:answer_sent",
  (ctx, id, message) => ctx.services.support.agentReply(id, agentOf(ctx), message),
);

/** Resolve with a note the person sees; they are asked to rate the help. */
export const ticketResolveFlow = agentTextFlow(
  "support.resolve",
  "support:ask_resolution",
  "support:resolved",
  (ctx, id, note) => ctx.services.support.resolve(id, agentOf(ctx), note),
);
