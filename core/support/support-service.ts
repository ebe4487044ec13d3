import { randomBytes } from "node:crypto";
import type { Connection } from "mongoose";
import type { AuditLog } from "../admin/audit-log.ts";
import type { RoleService } from "../admin/role-service.ts";
import { decideOnce, decisionModel } from "../decisions/decision-store.ts";
import { AppError } from "../errors/app-error.ts";
import type { EventHub } from "../events/event-hub.ts";
import { inAllLanguages, type Translator } from "../i18n/translator.ts";
import type { NotificationService } from "../notifications/notification-service.ts";
import { randomId } from "../users/public-id.ts";
import type { Channel, Language, Role } from "../users/user-model.ts";
import {
  ESCALATIONS,
  REOPEN_DAYS,
  SLA_MINUTES,
  ticketModels,
  type Priority,
  type TicketDoc,
  type TicketMessageDoc,
  type TicketTopic,
} from "./ticket-models.ts";

const MINUTE = 60_000;

/** Pending escalation steps: delayed jobs keyed by ticket, priority and step (a restart loses and repeats none). */
export interface EscalationQueue {
  schedule(ticketId: string, priority: Priority, steps: Array<{ step: string; at: Date }>): Promise<void>;
  cancel(ticketId: string, priority: Priority, steps: string[]): Promise<void>;
}

export interface Agent {
  userId: string;
  role: Role;
  channel: Channel;
}

/** Words that make a ticket P2 whatever its topic: money gone missing, someone else in the account. */
const URGENT_WORDS = new RegExp(
  [
    "hack|stolen|steal|scam|fraud|phish|password|someone else|not received|missing money|lost money|wrong account",
    "လိမ်|ခိုး|ဟက်|ငွေမရ|ငွေပျောက်",
  ].join("|"),
  "i",
);

/** Priority from the topic and the words: payments and security are P2, identity, referrals and account P3. */
export function priorityFor(topic: TicketTopic, text: string): Priority {
  if (topic === "payment" || URGENT_WORDS.test(text)) return "P2";
  if (topic === "kyc" || topic === "referral" || topic === "account") return "P3";
  return "P4";
}

/** On time, due soon (a quarter of the target left) or overdue: first response, or resolution once answered. */
export function slaBadge(ticket: TicketDoc, now: Date): "on_time" | "due_soon" | "overdue" | "done" {
  if (ticket.status === "resolved") return "done";
  const target = SLA_MINUTES[ticket.priority];
  const minutes = ticket.firstResponseAt === null ? target.respond : target.resolve;
  const due = new Date(ticket.createdAt).getTime() + minutes * MINUTE;
  const left = due - now.getTime();
  if (left < 0 || (minutes === 0 && ticket.firstResponseAt === null)) return "overdue";
  return left <= (minutes * MINUTE) / 4 ? "due_soon" : "on_time";
}

export type TakeResult = { kind: "taken"; ticket: TicketDoc } | { kind: "held"; by: string };

/**
 * The help desk: tickets people open from the chat, agents (role `support`) who take one at a time and talk to the
 * person through the bot, the support plan's priorities, targets and escalation matrix, and ratings. Every message
 * in both directions is kept with the ticket; attachments go through the encrypted vault.
 */
export class SupportService {
  private readonly models: ReturnType<typeof ticketModels>;
  private readonly connection: Connection;
  private readonly notifier: NotificationService;
  private readonly translator: Translator;
  private readonly roles: RoleService;
  private readonly audit: AuditLog;
  private readonly queue: EscalationQueue;
  private readonly now: () => Date;
  private readonly events: EventHub;

  constructor(deps: {
    connection: Connection;
    notifier: NotificationService;
    translator: Translator;
    roles: RoleService;
    audit: AuditLog;
    queue: EscalationQueue;
    events: EventHub;
    now: () => Date;
  }) {
    this.connection = deps.connection;
    this.models = ticketModels(deps.connection);
    this.notifier = deps.notifier;
    this.translator = deps.translator;
    this.roles = deps.roles;
    this.audit = deps.audit;
    this.queue = deps.queue;
    this.now = deps.now;
    this.events = deps.events;
  }

  find(ticketId: string): Promise<TicketDoc | null> {
    return this.models.Ticket.findById(ticketId.toUpperCase()).lean<TicketDoc>().exec();
  }

  private async get(ticketId: string): Promise<TicketDoc> {
    const ticket = await this.find(ticketId);
    if (ticket === null) throw new AppError("ticket_not_found", `no ticket ${ticketId}`);
    return ticket;
  }

  /** The ticket, when this agent holds it; `ticket_not_yours` (naming who does) otherwise. */
  private async heldBy(ticketId: string, agent: Agent): Promise<TicketDoc> {
    const ticket = await this.get(ticketId);
    if (ticket.agentId !== agent.userId)
      throw new AppError("ticket_not_yours", `ticket ${ticket._id} is handled by ${ticket.agentId ?? "nobody"}`, {
        details: { agentId: ticket.agentId },
      });
    return ticket;
  }

  async messages(ticketId: string, limit = 20): Promise<TicketMessageDoc[]> {
    const rows = await this.models.Message.find({ ticketId })
      .sort({ at: -1 })
      .limit(limit)
      .lean<TicketMessageDoc[]>()
      .exec();
    return rows.reverse();
  }

  /** The person's tickets, newest first. */
  mine(userId: string, limit = 5): Promise<TicketDoc[]> {
    return this.models.Ticket.find({ userId }).sort({ createdAt: -1 }).limit(limit).lean<TicketDoc[]>().exec();
  }

  private async addMessage(ticket: TicketDoc, input: Omit<TicketMessageDoc, "_id" | "ticketId" | "at">) {
    const at = this.now();
    const message: TicketMessageDoc = {
      _id: `${ticket._id}:${at.getTime().toString(36)}${randomBytes(3).toString("hex")}`,
      ticketId: ticket._id,
      at,
      ...input,
    };
    await this.models.Message.create(message);
    return message;
  }

  /** Opens a ticket with its first message; escalations are scheduled and, for P1 and P2, agents are told at once. */
  async open(input: {
    userId: string;
    channel: Channel;
    language: Language;
    topic: TicketTopic;
    text: string;
    mediaId: string | null;
  }): Promise<TicketDoc> {
    const now = this.now();
    const ticket: TicketDoc = {
      _id: `T${randomId(7)}`,
      userId: input.userId,
      channel: input.channel,
      language: input.language,
      topic: input.topic,
      priority: priorityFor(input.topic, input.text),
      status: "open",
      agentId: null,
      createdAt: now,
      updatedAt: now,
      firstResponseAt: null,
      resolvedAt: null,
      resolution: null,
      rating: null,
    };
    await this.models.Ticket.create(ticket);
    await this.addMessage(ticket, { from: "person", authorId: input.userId, text: input.text, mediaId: input.mediaId });
    await this.scheduleEscalations(ticket);
    if (ticket.priority === "P1" || ticket.priority === "P2") await this.tellAgents(ticket, "support:agent_new");
    await this.events.emit("ticket.opened", { ticket });
    return ticket;
  }

  private async scheduleEscalations(ticket: TicketDoc): Promise<void> {
    const created = new Date(ticket.createdAt).getTime();
    await this.queue.schedule(
      ticket._id,
      ticket.priority,
      ESCALATIONS[ticket.priority].map(({ step, afterMinutes }) => ({
        step,
        at: new Date(created + afterMinutes * MINUTE),
      })),
    );
  }

  private async cancelEscalations(ticket: TicketDoc): Promise<void> {
    await this.queue.cancel(
      ticket._id,
      ticket.priority,
      ESCALATIONS[ticket.priority].map((entry) => entry.step),
    );
  }

  private async holdersOf(roles: Role[]): Promise<string[]> {
    const holders = await this.roles.holders(500);
    return holders.filter((holder) => holder.roles.some((role) => roles.includes(role))).map((holder) => holder._id);
  }

  private async tellAgents(ticket: TicketDoc, key: string): Promise<void> {
    for (const agentId of await this.holdersOf(["support"]))
      await this.notifier.notify({
        userId: agentId,
        key: `ticket:${ticket._id}:new:${agentId}`,
        text: inAllLanguages(this.translator, key, () => ({ id: ticket._id, priority: ticket.priority })),
        button: { label: inAllLanguages(this.translator, "support:open_button"), data: `m:ticket:${ticket._id}` },
        urgent: true,
      });
  }

  /** Takes a ticket: the first agent keeps it (an insert-once decision); another is told who has it. */
  async take(ticketId: string, agent: Agent): Promise<TakeResult> {
    const ticket = await this.get(ticketId);
    const key = `ticket:${ticket._id}:agent`;
    if (!(await decideOnce(this.connection, key, { agentId: agent.userId }, this.now()))) {
      const decided = await decisionModel(this.connection).findById(key).lean().exec();
      const holder = (decided?.meta as { agentId?: unknown } | null | undefined)?.agentId;
      if (typeof holder === "string" && holder !== agent.userId) return { kind: "held", by: holder };
    }
    await this.models.Ticket.updateOne({ _id: ticket._id }, { $set: { agentId: agent.userId } }).exec();
    await this.audit.record({
      actorId: agent.userId,
      actorRole: agent.role,
      channel: agent.channel,
      action: "ticket.take",
      target: ticket._id,
      once: key,
    });
    return { kind: "taken", ticket: { ...ticket, agentId: agent.userId } };
  }

  /** The agent's message, relayed to the person, marked as from support, with a Reply button. */
  async agentReply(ticketId: string, agent: Agent, text: string): Promise<TicketDoc> {
    const ticket = await this.heldBy(ticketId, agent);
    const message = await this.addMessage(ticket, { from: "agent", authorId: agent.userId, text, mediaId: null });
    const now = this.now();
    const firstResponseAt = ticket.firstResponseAt ?? now;
    await this.models.Ticket.updateOne(
      { _id: ticket._id },
      { $set: { status: "waiting_person", firstResponseAt, updatedAt: now } },
    ).exec();
    await this.cancelEscalations(ticket);
    await this.notifier.notify({
      userId: ticket.userId,
      key: `ticket:${message._id}`,
      text: inAllLanguages(this.translator, "support:relay_to_person", () => ({ id: ticket._id, text })),
      button: { label: inAllLanguages(this.translator, "support:reply_button"), data: `m:ticketreply:${ticket._id}` },
      urgent: true,
    });
    return { ...ticket, status: "waiting_person", firstResponseAt, updatedAt: now };
  }

  /**
   * The person's message on their ticket, relayed to its agent (or, with nobody on it, to every agent). A resolved
   * ticket reopens within {@link REOPEN_DAYS} days; later, the person is asked to open a new one.
   */
  async personReply(ticketId: string, userId: string, text: string, mediaId: string | null): Promise<TicketDoc> {
    const ticket = await this.get(ticketId);
    if (ticket.userId !== userId) throw new AppError("ticket_not_found", `no ticket ${ticketId} of ${userId}`);
    const now = this.now();
    if (
      ticket.status === "resolved" &&
      now.getTime() - new Date(ticket.resolvedAt ?? 0).getTime() > REOPEN_DAYS * 24 * 60 * MINUTE
    )
      throw new AppError("ticket_closed", `ticket ${ticket._id} was resolved over ${REOPEN_DAYS} days ago`);
    const message = await this.addMessage(ticket, { from: "person", authorId: userId, text, mediaId });
    await this.models.Ticket.updateOne(
      { _id: ticket._id },
      { $set: { status: "waiting_agent", updatedAt: now, resolvedAt: null } },
    ).exec();
    const recipients = ticket.agentId === null ? await this.holdersOf(["support"]) : [ticket.agentId];
    for (const agentId of recipients)
      await this.notifier.notify({
        userId: agentId,
        key: `ticket:${message._id}:${agentId}`,
        text: inAllLanguages(this.translator, "support:relay_to_agent", () => ({
          id: ticket._id,
          text: mediaId === null ? text : `${text} 📎`,
          reopened: ticket.status === "resolved" ? "🔁 " : "",
        })),
        button: { label: inAllLanguages(this.translator, "support:open_button"), data: `m:ticket:${ticket._id}` },
        urgent: true,
      });
    return { ...ticket, status: "waiting_agent", updatedAt: now, resolvedAt: null };
  }

  async setPriority(ticketId: string, agent: Agent, priority: Priority): Promise<TicketDoc> {
    const ticket = await this.get(ticketId);
    if (ticket.priority === priority) return ticket;
    await this.models.Ticket.updateOne({ _id: ticket._id }, { $set: { priority, updatedAt: this.now() } }).exec();
    await this.cancelEscalations(ticket);
    const changed = { ...ticket, priority };
    if (changed.firstResponseAt === null && changed.status !== "resolved") await this.scheduleEscalations(changed);
    await this.audit.record({
      actorId: agent.userId,
      actorRole: agent.role,
      channel: agent.channel,
      action: "ticket.priority",
      target: ticket._id,
      before: { priority: ticket.priority },
      after: { priority },
    });
    return changed;
  }

  /** Resolves with a note; the person is told and asked to rate the help (1–5). */
  async resolve(ticketId: string, agent: Agent, note: string): Promise<TicketDoc> {
    const ticket = await this.heldBy(ticketId, agent);
    const now = this.now();
    await this.models.Ticket.updateOne(
      { _id: ticket._id },
      {
        $set: {
          status: "resolved",
          resolvedAt: now,
          resolution: note,
          updatedAt: now,
          firstResponseAt: ticket.firstResponseAt ?? now,
        },
      },
    ).exec();
    await this.cancelEscalations(ticket);
    await this.audit.record({
      actorId: agent.userId,
      actorRole: agent.role,
      channel: agent.channel,
      action: "ticket.resolve",
      target: ticket._id,
      after: { note },
    });
    await this.notifier.notify({
      userId: ticket.userId,
      key: `ticket:${ticket._id}:resolved:${now.getTime()}`,
      text: inAllLanguages(this.translator, "support:resolved_to_person", () => ({ id: ticket._id, note })),
      button: { label: inAllLanguages(this.translator, "support:rate_button"), data: `m:ticketrate:${ticket._id}` },
      urgent: true,
    });
    const resolved: TicketDoc = { ...ticket, status: "resolved", resolvedAt: now, resolution: note };
    await this.events.emit("ticket.resolved", { ticket: resolved });
    return resolved;
  }

  /** The person's rating of a resolved ticket, once. */
  async rate(ticketId: string, userId: string, rating: number): Promise<"rated" | "already"> {
    const ticket = await this.get(ticketId);
    if (ticket.userId !== userId || ticket.status !== "resolved")
      throw new AppError("ticket_not_found", `no resolved ticket ${ticketId} of ${userId}`);
    if (!Number.isInteger(rating) || rating < 1 || rating > 5) throw new AppError("invalid_input", "rating 1-5");
    if (!(await decideOnce(this.connection, `ticket:${ticket._id}:rating`, { rating }, this.now()))) return "already";
    await this.models.Ticket.updateOne({ _id: ticket._id }, { $set: { rating } }).exec();
    return "rated";
  }

  /**
   * An escalation step come due (the worker's delayed job): the admins or owners are told, once each, unless the
   * ticket was answered, resolved or changed priority meanwhile.
   */
  async escalate(ticketId: string, priority: Priority, step: string): Promise<"escalated" | "skipped"> {
    const ticket = await this.find(ticketId);
    const entry = ESCALATIONS[priority].find((candidate) => candidate.step === step);
    if (
      ticket === null ||
      entry === undefined ||
      ticket.priority !== priority ||
      ticket.firstResponseAt !== null ||
      ticket.status === "resolved"
    )
      return "skipped";
    const minutes = Math.round((this.now().getTime() - new Date(ticket.createdAt).getTime()) / MINUTE);
    for (const userId of await this.holdersOf(entry.roles))
      await this.notifier.notify({
        userId,
        key: `ticket:${ticket._id}:escalated:${priority}:${step}:${userId}`,
        text: inAllLanguages(this.translator, "support:escalated", () => ({
          id: ticket._id,
          priority,
          minutes,
        })),
        button: { label: inAllLanguages(this.translator, "support:open_button"), data: `m:ticket:${ticket._id}` },
        urgent: true,
      });
    await this.audit.record({
      actorId: "system",
      actorRole: "system",
      channel: "system",
      action: "ticket.escalate",
      target: ticket._id,
      after: { priority, step, minutes },
      once: `ticket:${ticket._id}:escalated:${priority}:${step}`,
    });
    return "escalated";
  }

  /** Tickets not resolved, by priority (P1 first), then oldest first. */
  async queueView(limit = 10): Promise<TicketDoc[]> {
    const open = await this.models.Ticket.find({ status: { $ne: "resolved" } })
      .sort({ createdAt: 1 })
      .limit(500)
      .lean<TicketDoc[]>()
      .exec();
    return open.sort((a, b) => a.priority.localeCompare(b.priority)).slice(0, limit);
  }

  /** `/tickets stats`: the last 30 days by priority, median first response and resolution, on-time share, ratings. */
  async stats(now: Date) {
    const since = new Date(now.getTime() - 30 * 24 * 60 * MINUTE);
    const tickets = await this.models.Ticket.find({ createdAt: { $gte: since } })
      .limit(50_000)
      .lean<TicketDoc[]>()
      .exec();
    const median = (values: number[]) => {
      if (values.length === 0) return null;
      const sorted = [...values].sort((a, b) => a - b);
      const middle = Math.floor(sorted.length / 2);
      return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
    };
    const minutesBetween = (from: Date, to: Date | null) =>
      to === null ? null : (new Date(to).getTime() - new Date(from).getTime()) / MINUTE;
    const responses = tickets.flatMap((t) => {
      const minutes = minutesBetween(t.createdAt, t.firstResponseAt);
      return minutes === null ? [] : [{ minutes, target: SLA_MINUTES[t.priority].respond }];
    });
    const resolutions = tickets.flatMap((t) => {
      const minutes = minutesBetween(t.createdAt, t.resolvedAt);
      return minutes === null ? [] : [minutes];
    });
    const ratings = tickets.flatMap((t) => (t.rating === null ? [] : [t.rating]));
    const onTime = responses.filter((r) => r.minutes <= Math.max(r.target, 1)).length;
    return {
      total: tickets.length,
      byPriority: Object.fromEntries(
        (["P1", "P2", "P3", "P4"] as const).map((priority) => [
          priority,
          tickets.filter((t) => t.priority === priority).length,
        ]),
      ) as Record<Priority, number>,
      open: tickets.filter((t) => t.status !== "resolved").length,
      medianFirstResponseMinutes: median(responses.map((r) => r.minutes)),
      medianResolutionMinutes: median(resolutions),
      onTimeShare: responses.length === 0 ? null : onTime / responses.length,
      ratings: {
        count: ratings.length,
        average: ratings.length === 0 ? null : ratings.reduce((a, b) => a + b, 0) / ratings.length,
      },
    };
  }
}
