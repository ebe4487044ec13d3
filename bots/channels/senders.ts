import { GrammyError, HttpError } from "grammy";
import type { Redis } from "ioredis";
import type { Config } from "../../core/config/load-config.ts";
import { AppError } from "../../core/errors/app-error.ts";
import type {
  ChannelSender,
  ChannelSenders,
  OutboundMessage,
  SendResult,
} from "../../core/notifications/channel-sender.ts";
import { pushToOutbox } from "./sandbox/sandbox-channel.ts";
import { mayHaveReachedPlatform } from "./send-outcome.ts";
import { telegramReplyOutbox } from "./telegram/telegram-outbox.ts";
import { createTelegramApi } from "./telegram/telegram-sender.ts";
import type { Logger } from "../../core/logging/create-logger.ts";
import { ViberClient } from "./viber/viber-client.ts";
import { keyboardOf } from "./viber/viber-render.ts";

/** Viber takes at most 300 receivers per broadcast_message call. */
export const VIBER_BROADCAST_MAX = 300;

function telegramSender(
  config: Config,
  telegram: Exclude<Config["telegram"], { mode: "off" }>,
  redis: Redis,
  logger: Logger | undefined,
): ChannelSender {
  const timeoutSeconds = config.notifications.sendTimeoutSeconds;
  const api = createTelegramApi(telegram.token, telegram.apiRoot, { autoRetry: false, timeoutSeconds });
  const waiting = telegramReplyOutbox({ api, redis, prefix: config.redis.prefix, keys: config.encryptionKeys, logger });
  return {
    transport: "telegram",
    drainReplies: (blocked) => waiting.drainAll(blocked),
    async send({ externalId }, message): Promise<SendResult> {
      try {
        const markup =
          message.button === undefined
            ? {}
            : {
                reply_markup: {
                  inline_keyboard: [[{ text: message.button.label, callback_data: message.button.data }]],
                },
              };
        if (message.imageUrl === undefined) await api.sendMessage(externalId, message.text.slice(0, 4096), markup);
        else await api.sendPhoto(externalId, message.imageUrl, { caption: message.text.slice(0, 1024), ...markup });
        return { kind: "sent" };
      } catch (error) {
        if (error instanceof GrammyError && error.error_code === 403) return { kind: "unreachable" };
        if (error instanceof GrammyError && error.error_code === 429)
          return { kind: "rate_limited", retryAfterMs: (error.parameters.retry_after ?? 1) * 1000 };
        if (error instanceof HttpError && mayHaveReachedPlatform(error)) return { kind: "uncertain" };
        throw error;
      }
    },
  };
}

function viberSender(config: Extract<Config["viber"], { enabled: true }>, timeoutSeconds: number): ChannelSender {
  const client = new ViberClient({
    apiRoot: config.apiRoot,
    authToken: config.authToken,
    sender: { name: config.botName, avatar: config.avatar },
    timeoutMs: timeoutSeconds * 1000,
  });
  const body = (text: string, imageUrl: string | undefined, button?: OutboundMessage["button"]) => {
    const keyboard = button === undefined ? undefined : keyboardOf([[button]]);
    const extra = keyboard === undefined ? {} : { keyboard };
    return imageUrl === undefined
      ? client.messageBody({ type: "text", text: text.slice(0, 7000), ...extra })
      : client.messageBody({ type: "picture", text: text.slice(0, 768), media: imageUrl, ...extra });
  };
  return {
    transport: "viber",
    async send({ externalId }, message): Promise<SendResult> {
      try {
        await client.call("send_message", {
          receiver: externalId,
          ...body(message.text, message.imageUrl, message.button),
        });
        return { kind: "sent" };
      } catch (error) {
        if (error instanceof AppError && error.code === "recipient_blocked") return { kind: "unreachable" };
        if (error instanceof AppError && error.code === "rate_limited")
          return { kind: "rate_limited", retryAfterMs: error.retryAfterMs ?? 60_000 };
        if (error instanceof AppError && error.code === "send_uncertain") return { kind: "uncertain" };
        throw error;
      }
    },
    async sendMany(receivers, message) {
      if (receivers.length > VIBER_BROADCAST_MAX)
        throw new AppError("invalid_input", `at most ${VIBER_BROADCAST_MAX} receivers per Viber broadcast`);
      const response = await client.call("broadcast_message", {
        broadcast_list: receivers,
        ...body(message.text, message.imageUrl),
      });
      const failed = (response as { failed_list?: Array<{ receiver?: string }> }).failed_list ?? [];
      return { unreachable: failed.map((entry) => entry.receiver ?? "").filter((receiver) => receiver !== "") };
    },
  };
}

function sandboxSender(redis: Redis, prefix: string): ChannelSender {
  return {
    transport: "sandbox",
    async send({ channel, externalId }, message) {
      await pushToOutbox(redis, prefix, `${channel}:${externalId}`, [
        {
          text: message.text,
          buttons: message.button === undefined ? [] : [[message.button]],
          ...(message.imageUrl === undefined ? {} : { photo: message.imageUrl }),
        },
      ]);
      return { kind: "sent" };
    },
  };
}

/** Every sender the configuration turns on; the worker process hands them to the notification queues. */
export function createChannelSenders(config: Config, redis: Redis, logger?: Logger): ChannelSenders {
  const senders: ChannelSenders = {};
  if (config.telegram.mode !== "off") senders.telegram = telegramSender(config, config.telegram, redis, logger);
  if (config.viber.enabled) senders.viber = viberSender(config.viber, config.notifications.sendTimeoutSeconds);
  if (config.sandbox) senders.sandbox = sandboxSender(redis, config.redis.prefix);
  return senders;
}
