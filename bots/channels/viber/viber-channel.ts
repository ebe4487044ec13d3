import type { ViberConfig } from "../../../core/config/load-config.ts";
import { AppError } from "../../../core/errors/app-error.ts";
import type { Logger } from "../../../core/logging/create-logger.ts";
import { parseButton } from "../../engine/button-data.ts";
import { commandFromText } from "../../engine/command-text.ts";
import type { Envelope, Incoming } from "../../engine/contract.ts";
import type { Bot } from "../../create-bot.ts";
import { ViberClient } from "./viber-client.ts";
import type { ViberEvent, ViberInbound, ViberUser } from "./viber-events.ts";
import { viberMessages, viberWelcome } from "./viber-render.ts";

export type ReceiptEvent = "delivered" | "seen" | "failed";

export interface ViberChannel {
  client: ViberClient;
  /** Handles one verified event; for `conversation_started` returns the welcome message to put in the HTTP answer. */
  handleEvent(event: ViberEvent): Promise<Record<string, unknown> | undefined>;
  setup(): Promise<void>;
}

/** A keyboard reply button sends its data back as text; anything that parses as button data is treated as a press. */
function incomingOf(message: ViberInbound): Incoming {
  switch (message.type) {
    case "text": {
      const text = message.text ?? "";
      // Viber has no bot commands; "/admin" typed as text works the same as on Telegram.
      const command = commandFromText(text);
      if (command !== undefined) return command;
      return parseButton(text).kind === "unknown" ? { kind: "text", text } : { kind: "button", data: text };
    }
    case "picture":
      return { kind: "photo", fileRef: message.media ?? "", size: message.size ?? message.file_size };
    case "file":
    case "video":
      return {
        kind: "file",
        fileRef: message.media ?? "",
        name: message.file_name,
        size: message.file_size ?? message.size,
      };
    case "contact":
      return { kind: "contact", phone: message.contact?.phone_number ?? "", own: false };
    case "location":
      return { kind: "location", lat: message.location?.lat ?? 0, lon: message.location?.lon ?? 0 };
    case "url":
      return { kind: "text", text: message.media ?? message.text ?? "" };
    default:
      return { kind: "text", text: "" };
  }
}

const profileOf = (user: ViberUser) => ({ name: user.name ?? "", languageHint: user.language });

/** Viber as a transport for the engine, through our own REST client (not the `viber-bot` package). */
export function createViberChannel(
  config: Extract<ViberConfig, { enabled: true }>,
  bot: Bot,
  logger: Logger,
  onReceipt: (event: ReceiptEvent) => void = () => undefined,
): ViberChannel {
  const client = new ViberClient({
    apiRoot: config.apiRoot,
    authToken: config.authToken,
    sender: { name: config.botName, avatar: config.avatar },
  });
  const log = logger.child({ channel: "viber" });

  const envelopeOf = (user: ViberUser, token: string | undefined, timestamp: number, incoming: Incoming): Envelope => ({
    channel: "vb",
    transport: "viber",
    externalId: user.id,
    updateKey: `vb:m:${token ?? `${user.id}:${timestamp}`}`,
    sequence: timestamp,
    profile: profileOf(user),
    incoming,
  });

  return {
    client,
    async handleEvent(event) {
      switch (event.event) {
        case "webhook":
          return undefined;
        case "conversation_started": {
          // Not a subscription: the one message allowed is the welcome in this HTTP answer.
          let welcome: Record<string, unknown> | undefined;
          const envelope = envelopeOf(event.user, event.message_token, event.timestamp, {
            kind: "start",
            payload: event.context === "" ? undefined : event.context,
          });
          // Until they subscribe or write, Viber refuses any send_message to them (status 6).
          if (event.subscribed !== true) envelope.canMessage = false;
          await bot.engine.handle(envelope, async (outcome) => {
            const message = viberWelcome(outcome.replies);
            if (message !== undefined) welcome = client.messageBody(message);
          });
          return welcome;
        }
        case "message": {
          const envelope = envelopeOf(event.sender, event.message_token, event.timestamp, incomingOf(event.message));
          await bot.engine.handle(envelope, async (outcome, ctx) => {
            try {
              for (const message of viberMessages(outcome.replies)) await client.sendMessage(event.sender.id, message);
            } catch (error) {
              if (error instanceof AppError && error.code === "recipient_blocked") {
                await bot.services.users.markUnreachable(ctx.chatKey);
                return;
              }
              throw error;
            }
          });
          return undefined;
        }
        case "subscribed":
          await bot.services.users.markReachable(`vb:${event.user.id}`);
          return undefined;
        case "unsubscribed":
          await bot.services.users.markUnreachable(`vb:${event.user_id}`);
          return undefined;
        case "delivered":
        case "seen":
        case "failed":
          onReceipt(event.event);
          if (event.event === "failed")
            log.warn({ token: event.message_token, desc: event.desc }, "viber reports a message failed");
          return undefined;
      }
    },
    async setup() {
      await client.setWebhook(config.webhookUrl);
      log.info({ url: config.webhookUrl }, "viber webhook set");
    },
  };
}
