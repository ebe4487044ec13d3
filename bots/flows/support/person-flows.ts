import { isAppError } from "../../../core/errors/app-error.ts";
import { TICKET_TOPICS, type TicketTopic } from "../../../core/support/ticket-models.ts";
import { actionData } from "../../engine/button-data.ts";
import { twoPerRow } from "../../engine/button-layout.ts";
import type { Action, Flow, FlowContext, Reply } from "../../engine/contract.ts";
import { stringField } from "../../engine/flow-data.ts";
import { text } from "../../engine/replies.ts";
import { takeAttachment } from "./attachment.ts";
import type { SupportServices } from "./services.ts";

const isTopic = (value: string): value is TicketTopic => (TICKET_TOPICS as readonly string[]).includes(value);
const attachments = (ctx: FlowContext<SupportServices>): string[] =>
  Array.isArray(ctx.data.media) ? (ctx.data.media as string[]) : [];

async function openTicket(ctx: FlowContext<SupportServices>): Promise<Reply[]> {
  const topic = stringField(ctx.data, "topic");
  const media = attachments(ctx);
  const ticket = await ctx.services.support.open({
    userId: ctx.user._id,
    channel: ctx.channel,
    language: ctx.user.language,
    topic: isTopic(topic) ? topic : "other",
    text: stringField(ctx.data, "message"),
    mediaId: media[0] ?? null,
  });
  // Further attachments go in as the person's follow-up messages on the same ticket.
  for (const mediaId of media.slice(1)) await ctx.services.support.personReply(ticket._id, ctx.user._id, "📎", mediaId);
  return [
    text(
      ctx.t("support:opened", {
        id: ticket._id,
        priority: ticket.priority,
        respond: ctx.t(`support:sla.${ticket.priority}`),
      }),
    ),
  ];
}

/** Contact support: topic → one message → optional photos or files → the ticket number and what to expect. */
export const supportFlow: Flow<SupportServices> = {
  id: "support",
  first: "topic",
  steps: {
    topic: {
      render: (ctx) => [
        {
          kind: "text",
          text: ctx.t("support:choose_topic"),
          buttons: twoPerRow(TICKET_TOPICS.map((topic) => ctx.stepButton(ctx.t(`support:topic.${topic}`), topic))),
        },
      ],
      handle: (ctx, input) => {
        if (input.kind !== "value" || !isTopic(input.value)) return { stay: [] };
        ctx.data.topic = input.value;
        return { to: "message" };
      },
    },
    message: {
      render: (ctx) => [text(ctx.t("support:ask_message"))],
      handle: (ctx, input) => {
        if (input.kind !== "text") return { stay: [text(ctx.t("support:ask_message"))] };
        const message = input.text.trim();
        if (message.length < 5) return { stay: [text(ctx.t("support:too_short"))] };
        ctx.data.message = message.slice(0, 2_000);
        return { to: "attach" };
      },
    },
    attach: {
      render: (ctx) => [
        {
          kind: "text",
          text: ctx.t(attachments(ctx).length === 0 ? "support:ask_attachment" : "support:attached"),
          buttons: [[ctx.stepButton(ctx.t("support:send_now"), "send")]],
        },
      ],
      handle: async (ctx, input) => {
        if (input.kind === "value" && input.value === "send") return { done: await openTicket(ctx) };
        const mediaId = await takeAttachment(ctx, input);
        if (mediaId === null) return { retry: [text(ctx.t("support:bad_attachment"))] };
        ctx.data.media = [...attachments(ctx), mediaId].slice(0, 5);
        return { to: "attach" };
      },
    },
  },
};

/** The person's reply on a ticket (the Reply button under a message from support): text, or a photo or file. */
export const ticketReplyFlow: Flow<SupportServices> = {
  id: "support.reply",
  first: "message",
  steps: {
    message: {
      render: (ctx) => [text(ctx.t("support:ask_reply", { id: stringField(ctx.data, "ticketId") }))],
      handle: async (ctx, input) => {
        const id = stringField(ctx.data, "ticketId");
        const mediaId = input.kind === "text" ? null : await takeAttachment(ctx, input);
        if (input.kind !== "text" && mediaId === null) return { stay: [text(ctx.t("support:ask_reply", { id }))] };
        const message = input.kind === "text" ? input.text.trim().slice(0, 2_000) : "📎";
        if (message === "") return { stay: [text(ctx.t("support:ask_reply", { id }))] };
        try {
          await ctx.services.support.personReply(id, ctx.user._id, message, mediaId);
        } catch (error) {
          if (isAppError(error) && error.code === "ticket_closed")
            return { done: [text(ctx.t("support:closed", { id }))] };
          if (isAppError(error) && error.code === "ticket_not_found")
            return { done: [text(ctx.t("support:not_found", { id }))] };
          throw error;
        }
        return { done: [text(ctx.t("support:reply_sent", { id }))] };
      },
    },
  },
};

/** `/support`, and Contact support in Help: the person's open tickets, then a new one. */
export const supportAction: Action<SupportServices> = {
  id: "support",
  run: () => ({ startFlow: "support" }),
};

export const ticketReplyAction: Action<SupportServices> = {
  id: "ticketreply",
  run: (ctx, args) => ({ startFlow: "support.reply", data: { ticketId: args.trim().toUpperCase() } }),
};

/** The rating under a resolved ticket: the five stars, then the one tapped, recorded once. */
export const ticketRateAction: Action<SupportServices> = {
  id: "ticketrate",
  run: async (ctx, args) => {
    const [id = "", stars] = args.trim().toUpperCase().split(".");
    if (stars === undefined)
      return {
        replies: [
          {
            kind: "text",
            text: ctx.t("support:rate_ask", { id }),
            buttons: [
              [1, 2, 3, 4, 5].map((n) => ({
                label: `${"⭐".repeat(n)}`,
                data: actionData("ticketrate", `${id}.${n}`),
              })),
            ],
          },
        ],
      };
    try {
      const result = await ctx.services.support.rate(id, ctx.user._id, Number(stars));
      return { replies: [text(ctx.t(result === "rated" ? "support:rated" : "support:rated_before"))] };
    } catch (error) {
      if (isAppError(error)) return { replies: [text(ctx.t("support:not_found", { id }))] };
      throw error;
    }
  },
};
