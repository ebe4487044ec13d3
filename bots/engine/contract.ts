import type { TFunction } from "i18next";
import type { ChannelProfile } from "../../core/users/user-service.ts";
import type { Section } from "../../core/admin/roles.ts";
import type { Channel, Language, Transport, UserDoc } from "../../core/users/user-model.ts";
import type { Logger } from "../../core/logging/create-logger.ts";
import type { BotServices } from "./services.ts";

/** What a person did, whatever the channel. Text is already normalized (Unicode, ASCII digits). */
export type Incoming =
  | { kind: "start"; payload: string | undefined }
  | { kind: "command"; command: string; args: string }
  | { kind: "text"; text: string }
  | { kind: "button"; data: string; messageId?: string | undefined }
  | { kind: "photo"; fileRef: string; size?: number | undefined }
  | { kind: "file"; fileRef: string; name?: string | undefined; mime?: string | undefined; size?: number | undefined }
  | { kind: "contact"; phone: string; own: boolean }
  | { kind: "location"; lat: number; lon: number };

/** One platform event, as an adapter hands it to the engine. */
export interface Envelope {
  channel: Channel;
  transport: Transport;
  /** The sender's id on the channel (also the private chat's id). */
  externalId: string;
  /** Unique per platform event, for dedupe: `tg:u:<update_id>`, `vb:m:<message_token>`. */
  updateKey: string;
  /** Orders the updates of one chat (Telegram update_id, Viber timestamp). */
  sequence: number;
  profile: ChannelProfile;
  incoming: Incoming;
  /**
   * False when this event does not let the bot message the person later (Viber's `conversation_started` from
   * someone not subscribed: only the welcome in the HTTP answer may go out). Absent means they wrote to us.
   */
  canMessage?: boolean;
}

/** Buttons carry short ASCII data (Telegram allows 64 bytes); labels are localized. */
export type Button =
  { label: string; data: string } | { label: string; url: string } | { label: string; request: "contact" | "location" };

export type Reply =
  | {
      kind: "text";
      text: string;
      buttons?: Button[][];
      /** Replace the message whose button was pressed (channels that cannot edit send a new message). */
      edit?: boolean;
      /** Hide a reply keyboard left from an earlier question. */
      removeKeyboard?: boolean;
      /**
       * The same list as cards, for apps that show a carousel (Viber's rich media): `header` replaces the text there,
       * each card has a title, a detail line and the data of the button that opens it. The text stays the fallback.
       */
      cards?: { header: string; items: Array<{ title: string; detail: string; open: string; data: string }> };
    }
  | { kind: "photo"; url: string; caption?: string; buttons?: Button[][] }
  /**
   * A private file for this chat only (a KYC photo for its reviewer): uploaded
   * where the platform takes bytes (Telegram), otherwise shown from `link`, a
   * short-lived URL to the same decrypted file (Viber fetches media by URL).
   */
  | { kind: "file"; name: string; mime: string; bytes: Buffer; link: string; caption?: string; buttons?: Button[][] };

/** What the engine decided for one event; the adapter renders it inside the chat's turn. */
export interface Outcome {
  replies: Reply[];
  /** A short toast for the pressed button (Telegram answerCallbackQuery text). */
  notice?: string;
  duplicate: boolean;
}

/**
 * What a step or action sees. `S` is the slice of the core its feature declares (`bots/flows/<feature>/services.ts`),
 * so a flow reaches only the services it needs; the engine passes the whole core, which satisfies every slice.
 */
export interface FlowContext<S = BotServices> {
  t: TFunction;
  user: UserDoc;
  chatKey: string;
  channel: Channel;
  /** How this chat is reached (a sandbox persona has channel tg/vb and transport sandbox). */
  transport: Transport;
  /** The active flow's own data; mutate it to keep values between steps. */
  data: Record<string, unknown>;
  services: S;
  logger: Logger;
  now: Date;
  /** A button for the current step; it goes stale once the conversation moves on. */
  stepButton(label: string, value: string): Button;
  /** The main menu for this person (each installed feature adds its entries). */
  menu(): Button[][];
  /** Switches the person's language for this reply and from now on. */
  switchLanguage(language: Language): Promise<void>;
}

/**
 * A step's answer to an input. `stay` with no replies asks the step's question
 * again (never silence); `retry` shows an error followed by the step's own
 * buttons (only for steps whose render has no side effects).
 */
export type Transition = { to: string; replies?: Reply[] } | { stay: Reply[] } | { retry: Reply[] } | { done: Reply[] };

/** Input a step receives: typed text, a pressed step button's value, or anything else. */
export type StepInput = { kind: "value"; value: string } | Incoming;

export interface Step<S = BotServices> {
  /** The question this step asks (shown on entry and after Back). */
  render(ctx: FlowContext<S>): Promise<Reply[]> | Reply[];
  handle(ctx: FlowContext<S>, input: StepInput): Promise<Transition> | Transition;
}

/** A small step machine; the engine persists where the person is and adds Back/Cancel. */
export interface Flow<S = BotServices> {
  id: string;
  first: string;
  steps: Record<string, Step<S>>;
  /**
   * The role an admin flow needs, checked at every step, not only when it starts: a role revoked meanwhile ends the
   * flow with the answer for an unknown command, and the step does not run.
   */
  gate?: Section | "any_role";
}

/**
 * A menu entry or command that answers at once, or starts a flow. A gated
 * action does not exist for people without the role: they get the same
 * answer as for an unknown command.
 */
export interface Action<S = BotServices> {
  id: string;
  gate?: Section | "any_role";
  /**
   * Runs beside an open form instead of leaving it (the language switch): its replies are followed by the form's
   * current step again, in the new language.
   */
  keepsFlow?: boolean;
  /** `args` is what followed the command (`/grant U2345678 reviewer`); empty for buttons. */
  run(ctx: FlowContext<S>, args: string): Promise<ActionResult> | ActionResult;
}

export type ActionResult =
  | { replies: Reply[]; menu?: boolean }
  /** Enter a flow, optionally at a later step and with data already known (e.g. `/user U2345678` opens the card). */
  | { startFlow: string; step?: string; data?: Record<string, unknown>; replies?: Reply[] };
