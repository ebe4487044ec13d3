import type { Feature } from "../../engine/feature.ts";
import {
  adminTicketsButton,
  ticketAction,
  ticketAnswerFlow,
  ticketResolveFlow,
  ticketsAction,
} from "./agent-actions.ts";
import { supportAction, supportFlow, ticketRateAction, ticketReplyAction, ticketReplyFlow } from "./person-flows.ts";

/** The help desk in the chat: people open tickets and reply; agents (role support) take, answer and resolve them. */
export const supportFeature: Feature = {
  id: "support",
  flows: [supportFlow, ticketReplyFlow, ticketAnswerFlow, ticketResolveFlow],
  actions: [supportAction, ticketReplyAction, ticketRateAction, ticketsAction, adminTicketsButton, ticketAction],
  commands: [{ command: "support", action: "support", public: true }],
  menuEntries: [{ action: "support", label: "support:menu" }],
  adminCommands: [
    { command: "tickets", action: "tickets", gate: "support" },
    { command: "ticket", action: "ticket", gate: "support" },
  ],
};
