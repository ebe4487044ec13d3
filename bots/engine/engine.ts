import { freshConversation, handledBefore, type ConversationDoc } from "../../core/conversations/conversation-store.ts";
import type { Logger } from "../../core/logging/create-logger.ts";
import { normalizeBurmese, toAsciiDigits } from "../../core/myanmar/index.ts";
import { mayUse, type Section } from "../../core/admin/roles.ts";
import type { ResolvedUser } from "../../core/users/user-service.ts";
import { NAV_BACK, NAV_CANCEL, parseButton, stepData } from "./button-data.ts";
import type { ChatGate } from "./chat-gate.ts";
import type { Action, Button, Envelope, Flow, FlowContext, Incoming, Outcome, Reply, Transition } from "./contract.ts";
import type { BotServices } from "./services.ts";
import { AppError } from "../../core/errors/app-error.ts";

/** Builds the main menu for a person (each feature adds its entries). */
export type MenuBuilder = (ctx: FlowContext) => Button[][];

/** Answers `/start` (with its deep-link payload) and first contact; may open a flow (a shared job's card). */
export type StartHandler = (
  ctx: FlowContext,
  payload: string | undefined,
  resolved: ResolvedUser,
) =>
  | Promise<
      Reply[] | { replies: Reply[]; startFlow: string; step: string; data: Record<string, unknown>; after?: Reply[] }
    >
  | Reply[];

export interface EngineOptions {
  services: BotServices;
  gate: ChatGate;
  logger: Logger;
  flows: Flow[];
  actions: Action[];
  menu: MenuBuilder;
  start: StartHandler;
  /** Commands (without the slash) mapped to action ids, e.g. `help` → `help`. */
  commands: Record<string, string>;
  /** A flow left untouched this long starts over. */
  conversationTtlMs: number;
  now?: () => Date;
  /** Someone used an admin command or button without the role (counted in metrics; they see "unknown"). */
  onDenied?: (actionId: string) => void;
}

/** Called inside the chat's turn, so replies leave in the same order as updates arrived. */
export type Deliver = (outcome: Outcome, ctx: FlowContext) => Promise<void>;

/** Which invite token a start payload carries: the first part that looks like a public id, or the payload itself. */
export function inviteCodeFrom(payload: string | undefined): string | undefined {
  if (payload === undefined || payload === "") return undefined;
  return payload.split(/[-_]/).find((part) => /^U[2-9A-HJKMNP-Z]{7}$/i.test(part)) ?? payload;
}

/**
 * The channel-agnostic conversation engine. For each event: normalize the
 * input, wait for the chat's turn, resolve the user, skip an update already
 * handled, route it (start, command, menu action, Back/Cancel, the active
 * step, then the catch-all), persist the new state together with the
 * update's key, and deliver the replies, all within the turn.
 */
export class ConversationEngine {
  private readonly options: EngineOptions;
  private readonly flows: Map<string, Flow>;
  private readonly actions: Map<string, Action>;
  private readonly now: () => Date;

  constructor(options: EngineOptions) {
    this.options = options;
    this.flows = new Map(options.flows.map((flow) => [flow.id, flow]));
    this.actions = new Map(options.actions.map((action) => [action.id, action]));
    this.now = options.now ?? (() => new Date());
  }

  async handle(raw: Envelope, deliver: Deliver): Promise<Outcome> {
    const envelope = { ...raw, incoming: normalizeIncoming(raw.incoming) };
    const chatKey = `${envelope.channel}:${envelope.externalId}`;
    const logger = this.options.logger.child({ update: envelope.updateKey, chat: chatKey });
    return this.options.gate.run(chatKey, envelope.sequence, envelope.updateKey, async () => {
      const { services } = this.options;
      const now = this.now();
      const stored = await services.conversations.load(chatKey);
      const update = { key: envelope.updateKey, sequence: envelope.sequence, transport: envelope.transport };
      if (stored !== null && handledBefore(stored, update, now)) {
        logger.debug("duplicate update skipped");
        return { replies: [], duplicate: true };
      }
      // A flood is cut before any database work: the update is recorded as handled (so a redelivery stays
      // dropped), the person hears once per window that they are going too fast, and nothing else runs.
      const admission = await services.inbound.admit(chatKey);
      if (admission !== "ok" && stored !== null) {
        logger.info({ admission }, "inbound rate limit");
        await services.conversations.save(handledOnly(stored, envelope, now));
        if (admission === "drop") return { replies: [], duplicate: false };
        const user = await services.users.findUser(stored.userId);
        const t = services.translator.t(user?.language ?? "en");
        const outcome: Outcome = { replies: [{ kind: "text", text: t("common:slow_down") }], duplicate: false };
        if (user !== null) {
          const ctx = this.context(
            { user },
            chatKey,
            envelope,
            { ...stored, version: stored.version + 1 },
            logger,
            now,
          );
          await deliver(outcome, ctx).catch((error: unknown) => logger.warn({ err: error }, "delivery failed"));
        }
        return outcome;
      }
      const inviteCode = envelope.incoming.kind === "start" ? inviteCodeFrom(envelope.incoming.payload) : undefined;
      const resolved = await services.users.resolve({
        channel: envelope.channel,
        externalId: envelope.externalId,
        transport: envelope.transport,
        profile: envelope.profile,
        inviteCode,
      });
      resolved.user = await services.roles.bootstrapOwner(
        resolved.user,
        `${envelope.channel}:${envelope.externalId}`,
        envelope.channel,
      );
      const current = stored ?? freshConversation(chatKey, resolved.user._id, now);
      const next: ConversationDoc = {
        ...current,
        userId: resolved.user._id,
        history: [...current.history],
        data: { ...current.data },
        version: current.version + 1,
      };
      const ctx = this.context(resolved, chatKey, envelope, next, logger, now);

      let outcome: Outcome;
      try {
        outcome =
          resolved.user.status === "banned"
            ? await this.banned(ctx)
            : await this.route(ctx, current, next, envelope.incoming, resolved);
      } catch (error) {
        logger.error({ err: error }, "flow failed; apologising and resetting the conversation");
        clearFlow(next);
        outcome = { replies: this.withMenu(ctx, [{ kind: "text", text: ctx.t("common:error") }]), duplicate: false };
      }
      next.data = next.flow === null ? {} : ctx.data;
      next.recentUpdates = [...current.recentUpdates, envelope.updateKey];
      if (envelope.transport === "telegram") next.lastSequence = Math.max(current.lastSequence ?? 0, envelope.sequence);
      next.updatedAt = now;
      await services.conversations.save(next);
      if (
        envelope.incoming.kind === "button" &&
        outcome.replies[0]?.kind === "text" &&
        outcome.replies[0].edit === undefined
      ) {
        outcome.replies[0] = { ...outcome.replies[0], edit: true };
      }
      try {
        await deliver(outcome, ctx);
      } catch (error) {
        logger.warn({ err: error }, "delivery failed");
      }
      return outcome;
    });
  }

  /** A banned person is told once, politely, and then gets no service. */
  private async banned(ctx: FlowContext): Promise<Outcome> {
    if (ctx.user.bannedNoticeSent) return { replies: [], duplicate: false };
    await ctx.services.users.markBannedNoticeSent(ctx.user._id);
    return { replies: [{ kind: "text", text: ctx.t("common:banned") }], duplicate: false };
  }

  private context(
    resolved: Pick<ResolvedUser, "user">,
    chatKey: string,
    envelope: Envelope,
    next: ConversationDoc,
    logger: Logger,
    now: Date,
  ): FlowContext {
    const { services } = this.options;
    const ctx: FlowContext = {
      t: services.translator.t(resolved.user.language),
      user: resolved.user,
      chatKey,
      channel: envelope.channel,
      transport: envelope.transport,
      data: next.data,
      services,
      logger,
      now,
      stepButton: (label, value) => ({ label, data: stepData(next.version, value) }),
      menu: () => this.options.menu(ctx),
      switchLanguage: async (language) => {
        await services.users.setLanguage(ctx.user._id, language);
        ctx.user = { ...ctx.user, language, languageChosen: true };
        ctx.t = services.translator.t(language);
      },
    };
    return ctx;
  }

  private async route(
    ctx: FlowContext,
    current: ConversationDoc,
    next: ConversationDoc,
    incoming: Incoming,
    resolved: ResolvedUser,
  ): Promise<Outcome> {
    const reply = (replies: Reply[], notice?: string): Outcome =>
      notice === undefined ? { replies, duplicate: false } : { replies, notice, duplicate: false };
    const active = current.flow === null ? undefined : this.flows.get(current.flow);
    const expired =
      active !== undefined &&
      ctx.now.getTime() - new Date(current.updatedAt).getTime() > this.options.conversationTtlMs;
    if (expired || (current.flow !== null && active === undefined)) clearFlow(next);
    if (active !== undefined && !expired && incoming.kind !== "start" && !this.gateOpen(active.gate, ctx, active.id)) {
      clearFlow(next);
      return reply(this.withMenu(ctx, [{ kind: "text", text: ctx.t("common:unknown_text") }]));
    }

    if (incoming.kind === "start") {
      clearFlow(next);
      const started = await this.options.start(ctx, incoming.payload, resolved);
      if (Array.isArray(started)) return reply(started);
      const flow = this.flows.get(started.startFlow);
      if (flow === undefined) throw new AppError("engine_misconfigured", `no flow ${started.startFlow}`);
      next.flow = flow.id;
      next.step = started.step;
      ctx.data = { ...started.data };
      return reply([...started.replies, ...(await this.renderStep(ctx, flow, next)), ...(started.after ?? [])]);
    }
    if (incoming.kind === "command") {
      const actionId = this.options.commands[incoming.command];
      if (actionId !== undefined && this.allowed(actionId, ctx))
        return reply(await this.runAction(ctx, next, actionId, incoming.args));
      return reply(this.withMenu(ctx, [{ kind: "text", text: ctx.t("common:unknown_text") }]));
    }
    if (incoming.kind === "button") {
      const button = parseButton(incoming.data);
      if (button.kind === "action" && this.actions.has(button.action)) {
        if (!this.allowed(button.action, ctx))
          return reply(this.withMenu(ctx, [{ kind: "text", text: ctx.t("common:unknown_text") }]));
        return reply(await this.runAction(ctx, next, button.action, button.args));
      }
      if (expired) return reply(this.withMenu(ctx, [{ kind: "text", text: ctx.t("common:expired") }]));
      if (button.kind === "nav" && active !== undefined) {
        if (button.nav === "cancel") {
          clearFlow(next);
          return reply(this.withMenu(ctx, [{ kind: "text", text: ctx.t("common:cancelled") }]));
        }
        const previous = next.history.pop();
        if (previous === undefined) {
          clearFlow(next);
          return reply(this.withMenu(ctx, [{ kind: "text", text: ctx.t("common:menu.title") }]));
        }
        next.step = previous;
        return reply(await this.renderStep(ctx, active, next));
      }
      if (button.kind === "step" && active !== undefined && button.version === current.version && next.step !== null) {
        return reply(
          await this.apply(
            ctx,
            active,
            next,
            await this.step(active, next.step).handle(ctx, { kind: "value", value: button.value }),
          ),
        );
      }
      return reply(
        this.withMenu(ctx, [{ kind: "text", text: ctx.t("common:stale_button") }]),
        ctx.t("common:stale_button"),
      );
    }
    if (expired) return reply(this.withMenu(ctx, [{ kind: "text", text: ctx.t("common:expired") }]));
    if (active !== undefined && next.step !== null) {
      return reply(await this.apply(ctx, active, next, await this.step(active, next.step).handle(ctx, incoming)));
    }
    const text =
      incoming.kind === "photo" || incoming.kind === "file" ? "common:unsupported_media" : "common:unknown_text";
    return reply(this.withMenu(ctx, [{ kind: "text", text: ctx.t(text) }]));
  }

  /** Gated actions do not exist for people without the role; the attempt is counted. */
  private allowed(actionId: string, ctx: FlowContext): boolean {
    return this.gateOpen(this.actions.get(actionId)?.gate, ctx, actionId);
  }

  /** Whether the person holds, right now, a role the gate asks for (roles are read afresh with every update). */
  private gateOpen(gate: Section | "any_role" | undefined, ctx: FlowContext, what: string): boolean {
    if (gate === undefined) return true;
    const ok = gate === "any_role" ? ctx.user.roles.length > 0 : mayUse(ctx.user, gate);
    if (!ok) this.options.onDenied?.(what);
    return ok;
  }

  private async runAction(ctx: FlowContext, next: ConversationDoc, actionId: string, args: string): Promise<Reply[]> {
    const action = this.actions.get(actionId);
    if (action === undefined) throw new AppError("engine_misconfigured", `no action ${actionId}`);
    clearFlow(next);
    const result = await action.run(ctx, args);
    if ("startFlow" in result) {
      const flow = this.flows.get(result.startFlow);
      if (flow === undefined) throw new AppError("engine_misconfigured", `no flow ${result.startFlow}`);
      next.flow = flow.id;
      next.step = result.step ?? flow.first;
      ctx.data = { ...(result.data ?? {}) };
      return [...(result.replies ?? []), ...(await this.renderStep(ctx, flow, next))];
    }
    return result.menu === false ? result.replies : this.withMenu(ctx, result.replies);
  }

  private async apply(ctx: FlowContext, flow: Flow, next: ConversationDoc, transition: Transition): Promise<Reply[]> {
    if ("done" in transition) {
      clearFlow(next);
      return this.withMenu(ctx, transition.done);
    }
    if ("stay" in transition)
      return transition.stay.length === 0 ? this.renderStep(ctx, flow, next) : this.withNav(ctx, next, transition.stay);
    if ("retry" in transition) {
      const buttons = (await this.step(flow, next.step ?? flow.first).render(ctx)).at(-1)?.buttons ?? [];
      return this.withNav(ctx, next, attachButtons(transition.retry, buttons));
    }
    this.step(flow, transition.to);
    if (next.step !== null) next.history.push(next.step);
    next.step = transition.to;
    return [...(transition.replies ?? []), ...(await this.renderStep(ctx, flow, next))];
  }

  private async renderStep(ctx: FlowContext, flow: Flow, next: ConversationDoc): Promise<Reply[]> {
    return this.withNav(ctx, next, await this.step(flow, next.step ?? flow.first).render(ctx));
  }

  private step(flow: Flow, id: string) {
    const step = flow.steps[id];
    if (step === undefined) throw new AppError("engine_misconfigured", `flow ${flow.id} has no step ${id}`);
    return step;
  }

  /** Every step offers Back (when there is a step to go back to) and Cancel. */
  private withNav(ctx: FlowContext, next: ConversationDoc, replies: Reply[]): Reply[] {
    const row: Button[] = [];
    if (next.history.length > 0) row.push({ label: ctx.t("common:nav.back"), data: NAV_BACK });
    row.push({ label: ctx.t("common:nav.cancel"), data: NAV_CANCEL });
    return attachButtons(replies, [row]);
  }

  /** Ends with the main menu: on the last text when it has no buttons of its own, otherwise as one more message. */
  withMenu(ctx: FlowContext, replies: Reply[]): Reply[] {
    const menu = this.options.menu(ctx);
    const last = replies.at(-1);
    if (last?.kind === "text" && (last.buttons === undefined || last.buttons.length === 0))
      return attachButtons(replies, menu);
    return [...replies, { kind: "text", text: ctx.t("common:menu.title"), buttons: menu }];
  }
}

/** The stored state, unchanged but for the update now counted as handled. */
function handledOnly(stored: ConversationDoc, envelope: Envelope, now: Date): ConversationDoc {
  return {
    ...stored,
    version: stored.version + 1,
    recentUpdates: [...stored.recentUpdates, envelope.updateKey],
    updatedAt: now,
    ...(envelope.transport === "telegram"
      ? { lastSequence: Math.max(stored.lastSequence ?? 0, envelope.sequence) }
      : {}),
  };
}

function clearFlow(next: ConversationDoc): void {
  next.flow = null;
  next.step = null;
  next.history = [];
  next.data = {};
}

function attachButtons(replies: Reply[], rows: Button[][]): Reply[] {
  if (replies.length === 0) return replies;
  const copy = [...replies];
  const last = copy[copy.length - 1];
  if (last === undefined) return copy;
  copy[copy.length - 1] = { ...last, buttons: [...(last.buttons ?? []), ...rows] };
  return copy;
}

/** What a person typed, as flows read it: Zawgyi repaired to Unicode, digits in ASCII, trimmed. */
const readText = (text: string): string => toAsciiDigits(normalizeBurmese(text)).trim();

/** Zawgyi to Unicode and Burmese digits to ASCII before any flow sees the input. */
function normalizeIncoming(incoming: Incoming): Incoming {
  switch (incoming.kind) {
    case "text":
      return { kind: "text", text: readText(incoming.text) };
    case "start":
      return incoming.payload === undefined ? incoming : { kind: "start", payload: readText(incoming.payload) };
    case "command":
      return { ...incoming, args: readText(incoming.args) };
    case "contact":
      return { ...incoming, phone: toAsciiDigits(incoming.phone).replace(/[^\d+]/g, "") };
    default:
      return incoming;
  }
}
