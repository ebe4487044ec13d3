import { z } from "zod";
import { commandFromText } from "../../engine/command-text.ts";
import type { Envelope, Incoming } from "../../engine/contract.ts";

const user = z.object({
  id: z.number().int(),
  is_bot: z.boolean().optional(),
  first_name: z.string().default(""),
  last_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});
const chat = z.object({ id: z.number().int(), type: z.string() });
const message = z.object({
  message_id: z.number().int(),
  date: z.number().int().optional(),
  from: user.optional(),
  chat,
  text: z.string().max(10_000).optional(),
  caption: z.string().optional(),
  entities: z.array(z.object({ type: z.string(), offset: z.number().int(), length: z.number().int() })).optional(),
  photo: z
    .array(
      z.object({
        file_id: z.string(),
        file_unique_id: z.string().optional(),
        width: z.number(),
        height: z.number(),
        file_size: z.number().optional(),
      }),
    )
    .optional(),
  document: z
    .object({
      file_id: z.string(),
      file_name: z.string().optional(),
      mime_type: z.string().optional(),
      file_size: z.number().optional(),
    })
    .optional(),
  contact: z
    .object({ phone_number: z.string(), first_name: z.string().optional(), user_id: z.number().int().optional() })
    .optional(),
  location: z.object({ latitude: z.number(), longitude: z.number() }).optional(),
});

/** The parts of a Telegram Update we use; unknown fields and update types pass through untouched. */
export const telegramUpdateSchema = z.object({
  update_id: z.number().int().nonnegative(),
  message: message.optional(),
  callback_query: z
    .object({
      id: z.string(),
      from: user,
      data: z.string().optional(),
      message: message.optional(),
      chat_instance: z.string().optional(),
    })
    .optional(),
  my_chat_member: z.object({ chat, from: user, new_chat_member: z.object({ status: z.string() }) }).optional(),
});

export type TelegramUpdate = z.infer<typeof telegramUpdateSchema>;

export type TelegramEvent =
  | { kind: "envelope"; envelope: Envelope; callbackQueryId?: string }
  | { kind: "membership"; userId: string; blocked: boolean }
  | { kind: "ignored"; reason: string };

function incomingOf(msg: z.infer<typeof message>, fromId: number): Incoming | undefined {
  if (msg.text !== undefined) return commandFromText(msg.text) ?? { kind: "text", text: msg.text };
  const photo = msg.photo?.at(-1);
  if (photo !== undefined) return { kind: "photo", fileRef: photo.file_id, size: photo.file_size };
  if (msg.document !== undefined) {
    return {
      kind: "file",
      fileRef: msg.document.file_id,
      name: msg.document.file_name,
      mime: msg.document.mime_type,
      size: msg.document.file_size,
    };
  }
  if (msg.contact !== undefined)
    return { kind: "contact", phone: msg.contact.phone_number, own: msg.contact.user_id === fromId };
  if (msg.location !== undefined) return { kind: "location", lat: msg.location.latitude, lon: msg.location.longitude };
  return undefined;
}

const profileOf = (from: z.infer<typeof user>) => ({
  name: [from.first_name, from.last_name].filter((part) => part !== undefined && part !== "").join(" "),
  username: from.username,
  languageHint: from.language_code,
});

/** Turns an update into what the engine understands. Only private chats with people are served. */
export function toTelegramEvent(update: TelegramUpdate): TelegramEvent {
  const base = {
    channel: "tg" as const,
    transport: "telegram" as const,
    updateKey: `tg:u:${update.update_id}`,
    sequence: update.update_id,
  };
  if (update.message !== undefined) {
    const msg = update.message;
    if (msg.chat.type !== "private" || msg.from === undefined || msg.from.is_bot === true)
      return { kind: "ignored", reason: "not a private chat with a person" };
    const incoming = incomingOf(msg, msg.from.id);
    if (incoming === undefined) return { kind: "ignored", reason: "message type not used" };
    return {
      kind: "envelope",
      envelope: { ...base, externalId: String(msg.from.id), profile: profileOf(msg.from), incoming },
    };
  }
  if (update.callback_query !== undefined) {
    const query = update.callback_query;
    if (query.data === undefined) return { kind: "ignored", reason: "callback without data" };
    return {
      kind: "envelope",
      callbackQueryId: query.id,
      envelope: {
        ...base,
        externalId: String(query.from.id),
        profile: profileOf(query.from),
        incoming: {
          kind: "button",
          data: query.data,
          messageId: query.message === undefined ? undefined : String(query.message.message_id),
        },
      },
    };
  }
  if (update.my_chat_member !== undefined && update.my_chat_member.chat.type === "private") {
    const status = update.my_chat_member.new_chat_member.status;
    return { kind: "membership", userId: String(update.my_chat_member.from.id), blocked: status === "kicked" };
  }
  return { kind: "ignored", reason: "update type not used" };
}
