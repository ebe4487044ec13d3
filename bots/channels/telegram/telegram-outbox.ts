import type { Api } from "grammy";
import type { Redis } from "ioredis";
import type { EncryptionKey } from "../../../core/config/load-config.ts";
import type { Logger } from "../../../core/logging/create-logger.ts";
import { ReplyOutbox, type DrainReport } from "../reply-outbox.ts";
import { sendFailure, sendReply, type NewestMessage } from "./telegram-sender.ts";

/** How long the newest message id of a chat is remembered (older presses then answer with a new message). */
export const NEWEST_TTL_MS = 7 * 24 * 3600_000;

/** Where the id of the newest message the bot sent to a chat is kept (with the chat's hash tag). */
export const newestMessageKey = (prefix: string, chatId: string): string => `${prefix}:tg:newest:{${chatId}}`;

/** The id of the newest message the bot sent to each chat, in Redis (shared by every process). */
export function newestMessageStore(redis: Redis, prefix: string): NewestMessage {
  const key = (chatId: string) => newestMessageKey(prefix, chatId);
  return {
    read: async (chatId) => {
      const value = await redis.get(key(chatId));
      return value === null ? undefined : Number(value);
    },
    write: async (chatId, messageId) => {
      await redis.set(key(chatId), String(messageId), "PX", NEWEST_TTL_MS);
    },
  };
}

export interface TelegramReplyOutbox {
  outbox: ReplyOutbox;
  newest: NewestMessage;
  /** Sends one chat's waiting replies in order while Telegram takes them; `blocked` hears of a person who left. */
  drain(chatId: string, blocked: (chatKey: string) => Promise<unknown>): Promise<DrainReport>;
  /** The same for every chat with replies waiting (the worker's drain job). */
  drainAll(blocked: (chatKey: string) => Promise<unknown>): Promise<DrainReport[]>;
}

/** Telegram's side of the reply outbox: what the webhook turn and the worker's drain job share. */
export function telegramReplyOutbox(options: {
  api: Api;
  redis: Redis;
  prefix: string;
  keys: EncryptionKey[];
  logger?: Logger | undefined;
}): TelegramReplyOutbox {
  const { api, logger } = options;
  const outbox = new ReplyOutbox({ redis: options.redis, prefix: `${options.prefix}:tg`, keys: options.keys });
  const newest = newestMessageStore(options.redis, options.prefix);
  const drain = async (chatId: string, blocked: (chatKey: string) => Promise<unknown>) => {
    const report = await outbox.drain(
      chatId,
      async (reply) => {
        const sent = await sendReply(api, { chatId }, reply);
        if (sent !== undefined) await newest.write(chatId, sent);
      },
      sendFailure,
    );
    if (report.blocked) await blocked(`tg:${chatId}`);
    if (report.uncertain > 0) logger?.warn({ chat: chatId, uncertain: report.uncertain }, "waiting replies uncertain");
    return report;
  };
  return {
    outbox,
    newest,
    drain,
    async drainAll(blocked) {
      const reports: DrainReport[] = [];
      for (const chatId of await outbox.chatsWaiting()) reports.push(await drain(chatId, blocked));
      return reports;
    },
  };
}
