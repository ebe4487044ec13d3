import { Bot as GrammyBot, type Api } from "grammy";
import type { EncryptionKey, TelegramConfig } from "../../../core/config/load-config.ts";
import { AppError } from "../../../core/errors/app-error.ts";
import type { Logger } from "../../../core/logging/create-logger.ts";
import type { Bot } from "../../create-bot.ts";
import type { Redis } from "ioredis";
import { adminMenuKey, syncAdminCommands } from "./admin-commands.ts";
import type { DrainReport } from "../reply-outbox.ts";
import { NEWEST_TTL_MS, newestMessageKey, telegramReplyOutbox } from "./telegram-outbox.ts";
import { createTelegramApi, deliverToTelegram, UndeliveredReplies, type NewestMessage } from "./telegram-sender.ts";
import { telegramUpdateSchema, toTelegramEvent } from "./telegram-update.ts";

/** The update types we ask Telegram for; everything else is never sent to us. */
export const ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"] as const;

export interface TelegramChannel {
  api: Api;
  /** Validates and handles one update; resolves when the chat's turn is over. */
  handleUpdate(body: unknown): Promise<void>;
  /** After the server listens: command menus in both languages, and the webhook in webhook mode. */
  setup(): Promise<void>;
  /** Long polling for local development with a real token; returns a stop function. */
  startPolling(): () => Promise<void>;
  /** Sends the replies waiting since Telegram was unreachable, for every chat (the worker's drain job calls this). */
  drainWaiting(): Promise<DrainReport[]>;
}

/** Telegram as a transport for the engine: flows never see grammY types. */
export function createTelegramChannel(
  config: Exclude<TelegramConfig, { mode: "off" }>,
  bot: Bot,
  logger: Logger,
  state: { redis: Redis; prefix: string; keys: EncryptionKey[] },
): TelegramChannel {
  const api = createTelegramApi(config.token, config.apiRoot);
  const log = logger.child({ channel: "telegram" });
  const waiting = telegramReplyOutbox({ api, ...state, logger: log });
  const { outbox } = waiting;
  const markUnreachable = (chatKey: string) => bot.services.users.markUnreachable(chatKey);
  const handleUpdate = async (body: unknown): Promise<void> => {
    const parsed = telegramUpdateSchema.safeParse(body);
    if (!parsed.success)
      throw new AppError("invalid_update", "The body is not a Telegram update", {
        details: { issues: parsed.error.issues.length },
      });
    const event = toTelegramEvent(parsed.data);
    if (event.kind === "ignored") return;
    if (event.kind === "membership") {
      const key = `tg:${event.userId}`;
      await (event.blocked ? bot.services.users.markUnreachable(key) : bot.services.users.markReachable(key));
      return;
    }
    const { envelope, callbackQueryId } = event;
    const chatId = envelope.externalId;
    const keys = {
      newest: newestMessageKey(state.prefix, chatId),
      adminMenu: adminMenuKey(state.prefix, chatId),
      outbox: outbox.list(chatId),
    };
    const reads = { strings: [keys.newest, keys.adminMenu], lists: [keys.outbox] };
    await bot.engine.handle(
      envelope,
      async (outcome, ctx, io) => {
        // The chat's newest message id, as read when the turn started, and written back when it ends.
        const newest: NewestMessage = {
          read: () => {
            const value = io.string(keys.newest);
            return Promise.resolve(value === null ? undefined : Number(value));
          },
          write: (_chat, messageId) => {
            io.later(keys.newest, String(messageId), NEWEST_TTL_MS);
            return Promise.resolve();
          },
        };
        try {
          // Replies still waiting from an outage go first: this turn's queue behind them.
          const behind = io.listLength(keys.outbox) > 0;
          await deliverToTelegram(
            api,
            {
              chatId,
              callbackQueryId,
              messageId: envelope.incoming.kind === "button" ? envelope.incoming.messageId : undefined,
            },
            behind ? { ...outcome, replies: [] } : outcome,
            log,
            newest,
          );
          if (behind) {
            await outbox.append(chatId, outcome.replies);
            await waiting.drain(chatId, markUnreachable);
          }
          await syncAdminCommands({
            api,
            translator: bot.services.translator,
            features: bot.features,
            chatId,
            user: ctx.user,
            current: io.string(keys.adminMenu),
            remember: (signature) => io.later(keys.adminMenu, signature),
          }).catch((error: unknown) => log.warn({ err: error }, "could not update the admin command menu"));
        } catch (error) {
          if (error instanceof UndeliveredReplies) {
            log.warn(
              { err: error.cause, waiting: error.replies.length },
              "Telegram did not take the replies; they wait",
            );
            await outbox.append(chatId, error.replies);
            return;
          }
          if (error instanceof AppError && error.code === "recipient_blocked") {
            await bot.services.users.markUnreachable(ctx.chatKey);
            return;
          }
          throw error;
        }
      },
      reads,
    );
  };

  return {
    api,
    handleUpdate,
    drainWaiting: () => waiting.drainAll(markUnreachable),
    async setup() {
      for (const language of ["en", "my"] as const) {
        const t = bot.services.translator.t(language);
        const commands = bot.features.publicCommands.map((command) => ({
          command,
          description: t(`common:commands.${command}`),
        }));
        await api.setMyCommands(commands, language === "en" ? {} : { language_code: language });
      }
      if (config.mode === "webhook") {
        await api.setWebhook(config.webhookUrl, {
          secret_token: config.secret,
          allowed_updates: [...ALLOWED_UPDATES],
          max_connections: 40,
        });
        log.info({ url: config.webhookUrl }, "telegram webhook set");
      }
    },
    startPolling() {
      const poller = new GrammyBot(config.token, { client: { apiRoot: config.apiRoot } });
      poller.use(async (ctx) => {
        await handleUpdate(ctx.update).catch((error: unknown) => log.error({ err: error }, "update failed"));
      });
      poller.catch((error) => log.error({ err: error.error }, "polling error"));
      void poller.start({
        allowed_updates: [...ALLOWED_UPDATES],
        drop_pending_updates: false,
        onStart: () => log.info("telegram polling started"),
      });
      return () => poller.stop();
    },
  };
}
