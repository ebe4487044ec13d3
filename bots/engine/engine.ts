import type { MaintenanceWindow } from "../../core/maintenance/maintenance-service.ts";
import { yangonTime } from "../../core/values/yangon-time.ts";
import { freshConversation, handledBefore, type ConversationDoc } from "../../core/conversations/conversation-store.ts";
import type { Logger } from "../../core/logging/create-logger.ts";
import { lazyChild } from "../../core/logging/lazy-child.ts";
import { normalizeBurmese, toAsciiDigits } from "../../core/myanmar/index.ts";
import { mayUse, type Section } from "../../core/admin/roles.ts";
import type { ResolvedUser } from "../../core/users/user-service.ts";
import { actionData, NAV_BACK, NAV_CANCEL, parseButton, stepData } from "./button-data.ts";
import { labelHash, labelIndex, labelKey, typedKeysOf } from "./typed-labels.ts";
import { buttonCount, ONE_KEYBOARD_MAX_BUTTONS } from "./one-keyboard.ts";
import type { ChatGate, TurnIo, TurnReads } from "./chat-gate.ts";
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
  /** The action that free text typed at the menu runs, with the text as its argument (a job search). */
  freeTextAction?: string;
  /** A flow left untouched this long starts over. */
  conversationTtlMs: number;
  now?: () => Date;
  /** Someone used an admin command or button without the role (counted in metrics; they see "unknown"). */
  onDenied?: (actionId: string) => void;
}

/**
 * Called inside the chat's turn, so replies leave in the same order as updates arrived. `io` holds what the channel
 * asked the turn to read as it started, and takes what it writes as it ends.
 */
export type Deliver = (outcome: Outcome, ctx: FlowContext, io: TurnIo) => Promise<void>;

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
  /** Menu, Back and Cancel per language, and the data of the buttons every screen can show: the same for everyone. */
  private readonly navigation = new WeakMap<FlowContext["t"], { buttons: Button[]; always: Set<string> }>();
  /** Label key → button data of the menu (both languages) and Menu, plus Back and Cancel when in a flow. */
  private readonly typedAnywhere = new Map<boolean, Map<string, string>>();

  constructor(options: EngineOptions) {
    this.options = options;
    this.flows = new Map(options.flows.map((flow) => [flow.id, flow]));
    this.actions = new Map(options.actions.map((action) => [action.id, action]));
    this.now = options.now ?? (() => new Date());
  }

  /** Handles one update; `reads`: the channel's keys of this chat, read as the turn starts (see {@link Deliver}). */
  async handle(raw: Envelope, deliver: Deliver, reads: TurnReads = {}): Promise<Outcome> {
    const envelope = { ...raw, incoming: normalizeIncoming(raw.incoming) };
    const chatKey = `${envelope.channel}:${envelope.externalId}`;
    const logger = lazyChild(this.options.logger, { update: envelope.updateKey, chat: chatKey });
    const { services } = this.options;
    const conversationKey = services.conversations.key(chatKey);
    // Telegram sends a chat's updates one at a time, each once the previous one was answered.
    const turnReads = {
      strings: [conversationKey, ...(reads.strings ?? [])],
      lists: reads.lists ?? [],
      serialDelivery: envelope.transport === "telegram",
      allowance: {
        key: services.inbound.key(chatKey),
        burst: services.inbound.burst,
        windowMs: services.inbound.windowMs,
      },
    };
    return this.options.gate.run(chatKey, envelope.sequence, envelope.updateKey, turnReads, async (io) => {
      const now = this.now();
      const stored = services.conversations.parse(chatKey, io.string(conversationKey));
      const update = { key: envelope.updateKey, sequence: envelope.sequence, transport: envelope.transport };
      if (stored !== null && handledBefore(stored, update, now)) {
        logger.debug("duplicate update skipped");
        return { replies: [], duplicate: true };
      }
      // A flood is cut before any database work: the update is recorded as handled (so a redelivery stays
      // dropped), the person hears once that they are going too fast (until the chat is quiet for a window), and
      // nothing else runs.
      const admission = services.inbound.admission(io.over);
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
          await deliver(outcome, ctx, io).catch((error: unknown) => logger.warn({ err: error }, "delivery failed"));
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
        canMessage: envelope.canMessage ?? true,
        likelyNew: stored === null,
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
      const incoming = this.pressedByText(ctx, current, envelope.incoming);

      let outcome: Outcome;
      try {
        // During a maintenance window people get the notice and nothing runs; staff (any role) keep working.
        const maintenance = resolved.user.roles.length === 0 ? await services.maintenance.active(now) : null;
        outcome =
          resolved.user.status === "banned" && !reachesSupport(current, incoming)
            ? await this.banned(ctx)
            : maintenance !== null
              ? this.maintenanceNotice(ctx, maintenance)
              : await this.route(ctx, current, next, incoming, resolved);
      } catch (error) {
        logger.error({ err: error }, "flow failed; apologising and resetting the conversation");
        clearFlow(next);
        outcome = {
          replies: this.withMenu(ctx, [{ kind: "text", text: ctx.t("common:error") }], next),
          duplicate: false,
        };
      }
      next.data = next.flow === null ? {} : ctx.data;
      if (next.flow === null) delete next.stepVersion;
      if (next.paused !== undefined && this.pausedExpired(next, now)) delete next.paused;
      // The labels on screen after this turn: Telegram keeps older keyboards in view, Viber only the last one (a turn
      // that ends without buttons leaves none).
      // The main menu's labels (and Back, Cancel, Menu) are recognised in either language whatever is on screen
      // (see pressedByText), so only the turn's own buttons are kept: about half the conversation's size in Redis.
      const always = this.nav(ctx).always;
      const typedKeys = typedKeysOf(outcome.replies).filter((key) => !always.has(key.data));
      if (typedKeys.length > 0) next.typedKeys = typedKeys;
      else if (ctx.channel === "vb" && outcome.replies.length > 0) delete next.typedKeys;
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
        await deliver(outcome, ctx, io);
      } catch (error) {
        logger.warn({ err: error }, "delivery failed");
      }
      return outcome;
    });
  }

  /** The notice during a maintenance window: what is happening and when it ends (Yangon time). */
  private maintenanceNotice(ctx: FlowContext, window: MaintenanceWindow): Outcome {
    const end = yangonTime(new Date(window.endsAt));
    return {
      replies: [
        {
          kind: "text",
          text: ctx.t("maintenance:notice_now", { end: end.slice(11), day: end.slice(0, 10), reason: window.reason }),
        },
      ],
      duplicate: false,
    };
  }

  /** A banned person is told once, politely, and then gets no service. */
  private async banned(ctx: FlowContext): Promise<Outcome> {
    if (ctx.user.bannedNoticeSent) return { replies: [], duplicate: false };
    await ctx.services.users.markBannedNoticeSent(ctx.user._id);
    const reason = ctx.user.banReason ?? null;
    const why =
      reason === null ? "" : reason.startsWith("other:") ? reason.slice(6) : ctx.t(`common:ban_reason.${reason}`);
    return {
      replies: [{ kind: "text", text: ctx.t(why === "" ? "common:banned" : "common:banned_for", { reason: why }) }],
      duplicate: false,
    };
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
    const menuWith = (key: string) => reply(this.withMenu(ctx, [{ kind: "text", text: ctx.t(key) }], next));
    const active = current.flow === null ? undefined : this.flows.get(current.flow);
    const expired =
      active !== undefined &&
      ctx.now.getTime() - new Date(current.updatedAt).getTime() > this.options.conversationTtlMs;
    if (expired || (current.flow !== null && active === undefined)) clearFlow(next);
    if (active !== undefined && !expired && incoming.kind !== "start" && !this.gateOpen(active.gate, ctx, active.id)) {
      clearFlow(next);
      return menuWith("common:unknown_text");
    }
    const open = active !== undefined && !expired && next.step !== null ? active : undefined;

    if (incoming.kind === "start") {
      this.pause(current, next, open);
      clearFlow(next);
      const started = await this.options.start(ctx, incoming.payload, resolved);
      if (Array.isArray(started)) return reply(started);
      const flow = this.flows.get(started.startFlow);
      if (flow === undefined) throw new AppError("engine_misconfigured", `no flow ${started.startFlow}`);
      enter(next, flow.id, started.step);
      ctx.data = { ...started.data };
      return reply([...started.replies, ...(await this.renderStep(ctx, flow, next)), ...(started.after ?? [])]);
    }
    if (incoming.kind === "command") {
      const actionId = this.options.commands[incoming.command];
      if (actionId !== undefined && this.allowed(actionId, ctx))
        return reply(await this.runAction(ctx, current, next, open, actionId, incoming.args));
      return menuWith("common:unknown_text");
    }
    if (incoming.kind === "button") {
      const button = parseButton(incoming.data);
      if (button.kind === "action" && button.action === RESUME) return reply(await this.resume(ctx, next));
      if (button.kind === "action" && this.actions.has(button.action)) {
        if (!this.allowed(button.action, ctx)) return menuWith("common:unknown_text");
        return reply(await this.runAction(ctx, current, next, open, button.action, button.args));
      }
      if (expired) return menuWith("common:expired");
      if (button.kind === "nav" && open !== undefined) {
        if (button.nav === "cancel") {
          clearFlow(next);
          return menuWith("common:cancelled");
        }
        const previous = next.history.pop();
        if (previous === undefined) {
          clearFlow(next);
          return menuWith("common:menu.title");
        }
        enter(next, open.id, previous);
        return reply(await this.renderStep(ctx, open, next));
      }
      if (button.kind === "step" && open !== undefined && this.current(button.version, current) && next.step !== null) {
        const step = this.step(open, next.step);
        return reply(await this.apply(ctx, open, next, await step.handle(ctx, { kind: "value", value: button.value })));
      }
      return reply(await this.stale(ctx, next, open), ctx.t("common:stale_toast"));
    }
    if (expired) return menuWith("common:expired");
    if (open !== undefined && next.step !== null) {
      return reply(await this.apply(ctx, open, next, await this.step(open, next.step).handle(ctx, incoming)));
    }
    const freeText = this.options.freeTextAction;
    if (incoming.kind === "text" && freeText !== undefined && this.actions.has(freeText) && incoming.text !== "")
      return reply(await this.runAction(ctx, current, next, undefined, freeText, incoming.text.slice(0, 100)));
    return menuWith(
      incoming.kind === "photo" || incoming.kind === "file" ? "common:unsupported_media" : "common:unknown_text",
    );
  }

  /**
   * A button that no longer applies. Telegram says so in a toast and leaves every message as it is (the screen the
   * person is looking at keeps working); an app without toasts gets the note with the current step or the menu.
   */
  private async stale(ctx: FlowContext, next: ConversationDoc, open: Flow | undefined): Promise<Reply[]> {
    if (ctx.channel === "tg") return [];
    const note: Reply = { kind: "text", text: ctx.t("common:stale_button") };
    if (open === undefined) return this.withMenu(ctx, [note], next);
    return [note, ...(await this.renderStep(ctx, open, next))];
  }

  /** A step button is current if it was shown since its step was entered (any later turn's copy works too). */
  private current(version: number, conversation: ConversationDoc): boolean {
    return version <= conversation.version && version >= (conversation.stepVersion ?? conversation.version);
  }

  /** Keeps an open form aside when something else interrupts it, so "Continue" can bring it back. */
  private pause(current: ConversationDoc, next: ConversationDoc, open: Flow | undefined): void {
    if (open === undefined || current.step === null) return;
    next.paused = {
      flow: open.id,
      step: current.step,
      history: [...current.history],
      data: { ...current.data },
      pausedAt: new Date(current.updatedAt),
    };
  }

  private pausedExpired(next: ConversationDoc, now: Date): boolean {
    const paused = next.paused;
    return paused === undefined || now.getTime() - paused.pausedAt.getTime() > this.options.conversationTtlMs;
  }

  /** "Continue": the form kept aside, at the step where it was left, with what was typed. */
  private async resume(ctx: FlowContext, next: ConversationDoc): Promise<Reply[]> {
    const paused = next.paused;
    const flow = paused === undefined ? undefined : this.flows.get(paused.flow);
    if (paused === undefined || flow === undefined || this.pausedExpired(next, ctx.now)) {
      delete next.paused;
      clearFlow(next);
      return this.withMenu(ctx, [{ kind: "text", text: ctx.t("common:expired") }], next);
    }
    delete next.paused;
    if (!this.gateOpen(flow.gate, ctx, flow.id)) {
      clearFlow(next);
      return this.withMenu(ctx, [{ kind: "text", text: ctx.t("common:unknown_text") }], next);
    }
    enter(next, flow.id, paused.step);
    next.history = [...paused.history];
    ctx.data = { ...paused.data };
    return this.renderStep(ctx, flow, next);
  }

  /**
   * Text that is the label of a button the person can see (the last turn's keyboard, the menu in either language,
   * Back, Cancel, Menu) counts as pressing it: on Viber people often type what the keyboard says.
   */
  private pressedByText(ctx: FlowContext, current: ConversationDoc | null, incoming: Incoming): Incoming {
    if (incoming.kind !== "text" || incoming.text === "" || incoming.text.length > 80) return incoming;
    const hash = labelHash(incoming.text);
    const shown = current?.typedKeys?.find((key) => key.hash === hash);
    if (shown !== undefined) return { kind: "button", data: shown.data };
    const inFlow = current?.flow !== null && current?.flow !== undefined;
    let typed = this.typedAnywhere.get(inFlow);
    if (typed === undefined) {
      const known: Button[] = [];
      for (const language of ["en", "my"] as const) {
        const t = this.options.services.translator.t(language);
        known.push(...this.options.menu({ ...ctx, t }).flat());
        const [menu, ...backAndCancel] = this.nav({ ...ctx, t }).buttons;
        if (menu !== undefined) known.push(menu);
        if (inFlow) known.push(...backAndCancel);
      }
      typed = labelIndex(known);
      this.typedAnywhere.set(inFlow, typed);
    }
    const data = typed.get(labelKey(incoming.text));
    return data === undefined ? incoming : { kind: "button", data };
  }

  /** Menu, Back and Cancel in the context's language, and the data of every button any screen can show. */
  private nav(ctx: FlowContext): { buttons: Button[]; always: Set<string> } {
    const known = this.navigation.get(ctx.t);
    if (known !== undefined) return known;
    const buttons: Button[] = [
      { label: ctx.t("common:nav.menu"), data: actionData("menu") },
      { label: ctx.t("common:nav.back"), data: NAV_BACK },
      { label: ctx.t("common:nav.cancel"), data: NAV_CANCEL },
    ];
    const built = { buttons, always: new Set([...this.options.menu(ctx).flat(), ...buttons].map(dataOf)) };
    this.navigation.set(ctx.t, built);
    return built;
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

  private async runAction(
    ctx: FlowContext,
    current: ConversationDoc,
    next: ConversationDoc,
    open: Flow | undefined,
    actionId: string,
    args: string,
  ): Promise<Reply[]> {
    const action = this.actions.get(actionId);
    if (action === undefined) throw new AppError("engine_misconfigured", `no action ${actionId}`);
    if (action.keepsFlow === true && open !== undefined) {
      const result = await action.run(ctx, args);
      if ("startFlow" in result) throw new AppError("engine_misconfigured", `action ${actionId} keeps the flow`);
      return [...result.replies, ...(await this.renderStep(ctx, open, next))];
    }
    this.pause(current, next, open);
    clearFlow(next);
    const result = await action.run(ctx, args);
    if ("startFlow" in result) {
      const flow = this.flows.get(result.startFlow);
      if (flow === undefined) throw new AppError("engine_misconfigured", `no flow ${result.startFlow}`);
      enter(next, flow.id, result.step ?? flow.first);
      ctx.data = { ...(result.data ?? {}) };
      return [...(result.replies ?? []), ...(await this.renderStep(ctx, flow, next))];
    }
    return result.menu === false ? result.replies : this.withMenu(ctx, result.replies, next);
  }

  private async apply(ctx: FlowContext, flow: Flow, next: ConversationDoc, transition: Transition): Promise<Reply[]> {
    if ("done" in transition) {
      clearFlow(next);
      return this.withMenu(ctx, transition.done, next);
    }
    if ("stay" in transition)
      return transition.stay.length === 0 ? this.renderStep(ctx, flow, next) : this.withNav(ctx, next, transition.stay);
    if ("retry" in transition) {
      const buttons = (await this.step(flow, next.step ?? flow.first).render(ctx)).at(-1)?.buttons ?? [];
      return this.withNav(ctx, next, attachButtons(transition.retry, buttons));
    }
    this.step(flow, transition.to);
    if (next.step !== null) next.history.push(next.step);
    enter(next, flow.id, transition.to);
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

  /**
   * Ends with the main menu (with "Continue" first when a form was left aside). Telegram: on the last text when it
   * has no buttons of its own, otherwise as one more message. Viber shows one keyboard only, so the menu joins the
   * turn's buttons, or, if all would not fit in Viber's 24, a single Menu button does.
   */
  withMenu(ctx: FlowContext, replies: Reply[], next?: ConversationDoc): Reply[] {
    const resume: Button[][] =
      next?.paused === undefined || this.pausedExpired(next, ctx.now)
        ? []
        : [[{ label: ctx.t("common:nav.resume"), data: actionData(RESUME) }]];
    const menu = [...resume, ...this.options.menu(ctx)];
    const last = replies.at(-1);
    if (ctx.channel === "vb" && last !== undefined) {
      const fits = buttonCount(replies) + menu.flat().length <= ONE_KEYBOARD_MAX_BUTTONS;
      return attachButtons(
        replies,
        fits ? menu : [...resume, [{ label: ctx.t("common:nav.menu"), data: actionData("menu") }]],
      );
    }
    if (last?.kind === "text" && (last.buttons === undefined || last.buttons.length === 0))
      return attachButtons(replies, menu);
    return [...replies, { kind: "text", text: ctx.t("common:menu.title"), buttons: menu }];
  }
}

/** Support stays open to a banned person (their way to contest the ban): `/support`, its flows and its buttons. */
const SUPPORT_ACTIONS = new Set(["support", "ticketreply", "ticketrate"]);
function reachesSupport(current: ConversationDoc | null, incoming: Incoming): boolean {
  if (current?.flow === "support" || current?.flow === "support.reply") return true;
  if (incoming.kind === "command") return SUPPORT_ACTIONS.has(incoming.command);
  if (incoming.kind !== "button") return false;
  const parsed = parseButton(incoming.data);
  return parsed.kind === "action" && SUPPORT_ACTIONS.has(parsed.action);
}

/** The engine's own action: back to the form kept aside. */
const RESUME = "resume";

/** Moves to a step; its buttons are valid from this version on. */
function enter(next: ConversationDoc, flow: string, step: string): void {
  next.flow = flow;
  next.step = step;
  next.stepVersion = next.version;
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

/** A button's callback data ("" for a link or a request, which cannot be typed back). */
const dataOf = (button: Button): string => ("data" in button ? button.data : "");
