import { autoRetry } from "@grammyjs/auto-retry";
import { Api, GrammyError, HttpError, InlineKeyboard, InputFile } from "grammy";
import type { InlineKeyboardButton } from "grammy/types";
import { AppError } from "../../../core/errors/app-error.ts";
import type { Logger } from "../../../core/logging/create-logger.ts";
import type { Button, Outcome, Reply } from "../../engine/contract.ts";
import type { SendFailure } from "../reply-outbox.ts";
import { mayHaveReachedPlatform } from "../send-outcome.ts";

/** Telegram's limits: message text 4096 characters, photo captions 1024. */
const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;

/**
 * The Bot API client. For replies inside a webhook turn, 429s and 5xx answers
 * (Telegram said no) are retried after `retry_after` (briefly: a turn must not
 * hang for minutes); a network failure is not, since the message may already
 * be in the chat and a second copy is worse than a missing one. Background
 * senders pass `autoRetry: false` so a 429 reaches the queue, which pauses.
 */
export function createTelegramApi(
  token: string,
  apiRoot: string,
  options: { autoRetry?: boolean; timeoutSeconds?: number } = {},
): Api {
  const api = new Api(token, { apiRoot, timeoutSeconds: options.timeoutSeconds ?? 30 });
  if (options.autoRetry !== false)
    api.config.use(
      autoRetry({
        maxRetryAttempts: 3,
        maxDelaySeconds: 10,
        rethrowInternalServerErrors: false,
        rethrowHttpErrors: true,
      }),
    );
  return api;
}

function inlineButton(button: Button): InlineKeyboardButton | undefined {
  if ("data" in button) return { text: button.label, callback_data: button.data };
  if ("url" in button) return { text: button.label, url: button.url };
  return undefined;
}

type Markup =
  | { inline_keyboard: InlineKeyboardButton[][] }
  | {
      keyboard: Array<Array<{ text: string; request_contact?: boolean; request_location?: boolean }>>;
      resize_keyboard: true;
      one_time_keyboard: true;
    }
  | { remove_keyboard: true };

/** Inline keyboard for data/url buttons; a one-time reply keyboard when the step asks for the contact or location. */
export function markupOf(reply: Reply): Markup | undefined {
  const rows = reply.buttons ?? [];
  const requests = rows.flat().filter((button): button is Extract<Button, { request: string }> => "request" in button);
  if (requests.length > 0) {
    return {
      keyboard: requests.map((button) => [
        {
          text: button.label,
          request_contact: button.request === "contact",
          request_location: button.request === "location",
        },
      ]),
      resize_keyboard: true,
      one_time_keyboard: true,
    };
  }
  if (rows.length === 0)
    return reply.kind === "text" && reply.removeKeyboard === true ? { remove_keyboard: true } : undefined;
  const keyboard = new InlineKeyboard(
    rows.map((row) => row.map(inlineButton).filter((button) => button !== undefined)),
  );
  return { inline_keyboard: keyboard.inline_keyboard };
}

export interface TelegramTurn {
  chatId: string;
  callbackQueryId?: string | undefined;
  /** The message the pressed button belongs to (edited in place when the reply asks for it). */
  messageId?: string | undefined;
}

/**
 * Where the id of the newest message the bot sent to a chat is kept. A press on the newest message edits it in place;
 * a press on an older one (a menu further up) answers with a new message at the bottom, so the screen the person
 * looks at is never an old message changed out of sight while the bottom one keeps buttons that no longer apply.
 */
export interface NewestMessage {
  read(chatId: string): Promise<number | undefined>;
  write(chatId: string, messageId: number): Promise<void>;
}

/**
 * Renders an outcome on Telegram: answers the callback query (always, so the
 * client's spinner stops), edits the pressed message where the reply asks for
 * it and falls back to a new message when it cannot be edited. A person who
 * blocked the bot surfaces as `platform_refused` with code `recipient_blocked`.
 */
export async function deliverToTelegram(
  api: Api,
  turn: TelegramTurn,
  outcome: Outcome,
  logger: Logger,
  newest?: NewestMessage,
): Promise<void> {
  if (turn.callbackQueryId !== undefined) {
    await api
      .answerCallbackQuery(
        turn.callbackQueryId,
        outcome.notice === undefined ? {} : { text: outcome.notice.slice(0, 200) },
      )
      .catch((error: unknown) => {
        logger.debug({ err: error }, "answerCallbackQuery failed");
      });
  }
  const pressed = turn.messageId === undefined ? undefined : Number(turn.messageId);
  const editable = pressed !== undefined && newest !== undefined && (await newest.read(turn.chatId)) === pressed;
  let last: number | undefined;
  try {
    for (const [index, reply] of outcome.replies.entries()) {
      try {
        const sent = await sendReply(
          api,
          editable || newest === undefined ? turn : { ...turn, messageId: undefined },
          reply,
        );
        if (sent !== undefined) last = sent;
      } catch (error) {
        const failure = sendFailure(error);
        // What Telegram never took waits in the chat's outbox, in order; a send that may have arrived is not repeated.
        if (failure === "retry") throw new UndeliveredReplies(outcome.replies.slice(index), toAppError(error));
        if (failure === "uncertain") throw new UndeliveredReplies(outcome.replies.slice(index + 1), toAppError(error));
        throw toAppError(error);
      }
    }
  } finally {
    if (last !== undefined && newest !== undefined)
      await newest.write(turn.chatId, last).catch((error: unknown) => logger.debug({ err: error }, "newest id"));
  }
}

/** Replies Telegram did not take in a turn (it was down or refused the connection), to wait in the chat's outbox. */
export class UndeliveredReplies extends Error {
  readonly replies: Reply[];
  constructor(replies: Reply[], cause: AppError) {
    super(`${replies.length} replies not delivered: ${cause.code}`, { cause });
    this.replies = replies;
  }
}

/**
 * What a failed send means: Telegram said no for now (5xx, 429) or the request never left (connection refused):
 * send it again later; no answer after the request left: maybe delivered, never again; the person blocked the bot;
 * Telegram refused this message (400): it never will be delivered.
 */
export function sendFailure(error: unknown): SendFailure {
  const appError = toAppError(error);
  switch (appError.code) {
    case "telegram_unavailable":
    case "rate_limited":
    case "telegram_unreachable":
      return "retry";
    case "send_uncertain":
      return "uncertain";
    case "recipient_blocked":
      return "blocked";
    default:
      return "refused";
  }
}

/** Sends (or edits) one reply; answers the id of the message now at the bottom of the chat, if it is ours. */
export async function sendReply(api: Api, turn: TelegramTurn, reply: Reply): Promise<number | undefined> {
  const markup = markupOf(reply);
  if (reply.kind === "photo") {
    const sent = await api.sendPhoto(turn.chatId, reply.url, {
      ...(reply.caption === undefined ? {} : { caption: reply.caption.slice(0, CAPTION_LIMIT) }),
      ...(markup === undefined ? {} : { reply_markup: markup }),
    });
    return sent.message_id;
  }
  if (reply.kind === "file") {
    const options = {
      ...(reply.caption === undefined ? {} : { caption: reply.caption.slice(0, CAPTION_LIMIT) }),
      ...(markup === undefined ? {} : { reply_markup: markup }),
    };
    const upload = new InputFile(reply.bytes, reply.name);
    const sent = /^image\/(jpeg|png|webp)$/.test(reply.mime)
      ? await api.sendPhoto(turn.chatId, upload, options)
      : await api.sendDocument(turn.chatId, upload, options);
    return sent.message_id;
  }
  const text = reply.text.slice(0, TEXT_LIMIT);
  if (reply.edit === true && turn.messageId !== undefined && (markup === undefined || "inline_keyboard" in markup)) {
    try {
      await api.editMessageText(
        turn.chatId,
        Number(turn.messageId),
        text,
        markup === undefined ? {} : { reply_markup: markup },
      );
      return Number(turn.messageId);
    } catch (error) {
      if (!(error instanceof GrammyError) || error.error_code !== 400) throw error;
      // Unchanged (the same screen pressed again), too old or not editable: a new message, so the press is answered.
    }
  }
  const sent = await api.sendMessage(turn.chatId, text, markup === undefined ? {} : { reply_markup: markup });
  return sent.message_id;
}

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof GrammyError) {
    if (error.error_code === 403) return new AppError("recipient_blocked", error.description, { cause: error });
    if (error.error_code === 429) {
      return new AppError("rate_limited", error.description, {
        cause: error,
        retryAfterMs: (error.parameters.retry_after ?? 1) * 1000,
      });
    }
    if (error.error_code >= 500) return new AppError("telegram_unavailable", error.description, { cause: error });
    return new AppError("telegram_refused", error.description, { cause: error });
  }
  if (error instanceof HttpError)
    return mayHaveReachedPlatform(error)
      ? new AppError("send_uncertain", "no answer from the Telegram Bot API; the message may have arrived", {
          cause: error,
        })
      : new AppError("telegram_unreachable", "could not reach the Telegram Bot API", { cause: error });
  return new AppError("telegram_send_failed", error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}
