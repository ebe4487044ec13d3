import { Schema, type Connection, type Model } from "mongoose";
import type { Channel, Language } from "../users/user-model.ts";

export const TICKET_TOPICS = ["payment", "referral", "kyc", "account", "job", "other"] as const;
export type TicketTopic = (typeof TICKET_TOPICS)[number];
export const PRIORITIES = ["P1", "P2", "P3", "P4"] as const;
export type Priority = (typeof PRIORITIES)[number];
export type TicketStatus = "open" | "waiting_agent" | "waiting_person" | "resolved";

/** The support plan's targets: first response and resolution, in minutes. */
export const SLA_MINUTES: Record<Priority, { respond: number; resolve: number }> = {
  P1: { respond: 0, resolve: 60 },
  P2: { respond: 15, resolve: 4 * 60 },
  P3: { respond: 60, resolve: 24 * 60 },
  P4: { respond: 4 * 60, resolve: 72 * 60 },
};

/** The escalation matrix: who is told, how long after the ticket was opened without an answer. */
export const ESCALATIONS: Record<
  Priority,
  Array<{ step: string; afterMinutes: number; roles: Array<"admin" | "owner"> }>
> = {
  P1: [
    { step: "admins", afterMinutes: 15, roles: ["admin"] },
    { step: "owners", afterMinutes: 30, roles: ["owner"] },
  ],
  P2: [
    { step: "admins", afterMinutes: 60, roles: ["admin"] },
    { step: "owners", afterMinutes: 4 * 60, roles: ["owner"] },
  ],
  P3: [{ step: "admins", afterMinutes: 4 * 60, roles: ["admin"] }],
  P4: [{ step: "admins", afterMinutes: 24 * 60, roles: ["admin"] }],
};

/** A resolved ticket reopens when the person replies within this many days; later, they open a new one. */
export const REOPEN_DAYS = 7;

export interface TicketDoc {
  /** `T` + 7 characters: what the person and the agent quote. */
  _id: string;
  userId: string;
  /** Where the person opened it and their language then (the summary an agent sees). */
  channel: Channel;
  language: Language;
  topic: TicketTopic;
  priority: Priority;
  status: TicketStatus;
  /** The agent handling it (one at a time), or null while nobody took it. */
  agentId: string | null;
  createdAt: Date;
  updatedAt: Date;
  firstResponseAt: Date | null;
  resolvedAt: Date | null;
  resolution: string | null;
  rating: number | null;
}

export interface TicketMessageDoc {
  /** `<ticket>:<time><random>`: ordered by `at`. */
  _id: string;
  ticketId: string;
  from: "person" | "agent";
  authorId: string;
  text: string;
  /** An attachment in the encrypted vault (same intake as CVs), or null. */
  mediaId: string | null;
  at: Date;
}

const ticketSchema = new Schema<TicketDoc>(
  {
    _id: String,
    userId: { type: String, required: true },
    channel: { type: String, required: true },
    language: { type: String, required: true },
    topic: { type: String, required: true },
    priority: { type: String, required: true },
    status: { type: String, required: true },
    agentId: { type: String, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    firstResponseAt: { type: Date, default: null },
    resolvedAt: { type: Date, default: null },
    resolution: { type: String, default: null },
    rating: { type: Number, default: null },
  },
  { versionKey: false, collection: "tickets" },
);
ticketSchema.index({ status: 1, priority: 1, createdAt: 1 });
ticketSchema.index({ userId: 1, createdAt: -1 });

const messageSchema = new Schema<TicketMessageDoc>(
  {
    _id: String,
    ticketId: { type: String, required: true },
    from: { type: String, required: true },
    authorId: { type: String, required: true },
    text: { type: String, required: true },
    mediaId: { type: String, default: null },
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: "ticket_messages" },
);
messageSchema.index({ ticketId: 1, at: 1 });

export function ticketModels(connection: Connection) {
  return {
    Ticket:
      (connection.models.Ticket as Model<TicketDoc> | undefined) ?? connection.model<TicketDoc>("Ticket", ticketSchema),
    Message:
      (connection.models.TicketMessage as Model<TicketMessageDoc> | undefined) ??
      connection.model<TicketMessageDoc>("TicketMessage", messageSchema),
  };
}
