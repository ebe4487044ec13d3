import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { z } from "zod";
import { commandFromText } from "../../engine/command-text.ts";
import type { Button, Envelope, Incoming, Outcome } from "../../engine/contract.ts";
import { oneKeyboardTurn } from "../../engine/one-keyboard.ts";
import type { Bot } from "../../create-bot.ts";

/** Files a persona sends are kept this long, like a platform's temporary media link. */
const FILE_TTL_SECONDS = 3600;
const OUTBOX_KEEP = 300;
export const SANDBOX_FILE_LIMIT = 10 * 1024 * 1024;

export const personaSchema = z.object({
  channel: z.enum(["tg", "vb"]),
  id: z.string().regex(/^[A-Za-z0-9+/=_-]{1,40}$/, "letters, digits and + / = _ - only"),
  name: z.string().trim().min(1).max(64),
  language: z.enum(["en", "my"]),
});

export const sandboxEventSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("start"), payload: z.string().max(64).optional() }),
  z.object({ kind: z.literal("text"), text: z.string().min(1).max(4096) }),
  z.object({ kind: z.literal("button"), data: z.string().min(1).max(64), messageId: z.string().max(20).optional() }),
  z.object({
    kind: z.enum(["photo", "file"]),
    name: z.string().max(256),
    mime: z.string().max(128),
    dataBase64: z.string().max(Math.ceil((SANDBOX_FILE_LIMIT * 4) / 3) + 4),
  }),
  z.object({ kind: z.literal("contact"), phone: z.string().max(32) }),
  z.object({ kind: z.literal("location"), lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }),
]);

export const sandboxRequestSchema = z.object({
  persona: personaSchema,
  /** Chosen by the page per send; a retry reuses it, so the engine's dedupe applies. */
  eventId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
  event: sandboxEventSchema,
});

export type Persona = z.infer<typeof personaSchema>;
export type SandboxRequest = z.infer<typeof sandboxRequestSchema>;

/** One bot message as the page shows it. `replaces` is set when a Telegram-style edit replaced an earlier message. */
export interface OutboxItem {
  id: number;
  at: number;
  text: string;
  photo?: string;
  buttons: Array<Array<{ label: string; data?: string; url?: string; request?: string }>>;
  replaces?: number;
}

/** Appends bot messages to a chat's sandbox outbox (read by the page). */
export async function pushToOutbox(
  redis: Redis,
  prefix: string,
  chatKey: string,
  items: Array<Omit<OutboxItem, "id" | "at">>,
): Promise<OutboxItem[]> {
  const stored: OutboxItem[] = [];
  for (const item of items)
    stored.push({ ...item, id: await redis.incr(`${prefix}:sandbox:seq:${chatKey}`), at: Date.now() });
  if (stored.length > 0) {
    const key = `${prefix}:sandbox:outbox:${chatKey}`;
    await redis
      .multi()
      .rpush(key, ...stored.map((item) => JSON.stringify(item)))
      .ltrim(key, -OUTBOX_KEEP, -1)
      .exec();
  }
  return stored;
}

export interface SandboxChannel {
  /** `notice` is the toast a Telegram persona sees for the pressed button (a stale tap gets only that). */
  handle(request: SandboxRequest): Promise<{ items: OutboxItem[]; duplicate: boolean; notice?: string }>;
  messages(chatKey: string, after: number): Promise<OutboxItem[]>;
  file(id: string): Promise<Buffer | null>;
}

const toButtons = (rows: Button[][] | undefined): OutboxItem["buttons"] =>
  (rows ?? []).map((row) =>
    row.map((button) =>
      "data" in button
        ? { label: button.label, data: button.data }
        : "url" in button
          ? { label: button.label, url: button.url }
          : { label: button.label, request: button.request },
    ),
  );

/**
 * The local sandbox as a third channel: personas speak as a Telegram or Viber
 * identity (`tg:<id>` / `vb:<id>`, transport `sandbox`) through the same engine,
 * state and dedupe as the real channels; replies land in a per-chat outbox in
 * Redis that the page reads.
 */
export function createSandboxChannel(bot: Bot, redis: Redis, prefix: string): SandboxChannel {
  const keys = {
    outbox: (chatKey: string) => `${prefix}:sandbox:outbox:${chatKey}`,
    file: (id: string) => `${prefix}:sandbox:file:${id}`,
  };
  let counter = 0;

  const incomingOf = async (event: SandboxRequest["event"]): Promise<Incoming> => {
    switch (event.kind) {
      case "start":
        return { kind: "start", payload: event.payload };
      case "text":
        // Like the real adapters: Telegram commands, and "/command" typed as text on Viber.
        return commandFromText(event.text) ?? { kind: "text", text: event.text };
      case "button":
        return { kind: "button", data: event.data, messageId: event.messageId };
      case "photo":
      case "file": {
        const bytes = Buffer.from(event.dataBase64, "base64");
        const id = randomUUID();
        await redis.set(keys.file(id), bytes, "EX", FILE_TTL_SECONDS);
        return event.kind === "photo"
          ? { kind: "photo", fileRef: `sandbox:${id}`, size: bytes.length }
          : { kind: "file", fileRef: `sandbox:${id}`, name: event.name, mime: event.mime, size: bytes.length };
      }
      case "contact":
        return { kind: "contact", phone: event.phone, own: true };
      case "location":
        return { kind: "location", lat: event.lat, lon: event.lon };
    }
  };

  const record = (
    chatKey: string,
    outcome: Outcome,
    persona: Persona,
    pressed: string | undefined,
  ): Promise<OutboxItem[]> =>
    pushToOutbox(
      redis,
      prefix,
      chatKey,
      // A Viber persona sees what Viber shows: one keyboard, the turn's buttons on its last message.
      (persona.channel === "vb" ? oneKeyboardTurn(outcome.replies) : outcome.replies).map((reply, index) => {
        const item: Omit<OutboxItem, "id" | "at"> =
          reply.kind === "photo"
            ? { text: reply.caption ?? "", photo: reply.url, buttons: toButtons(reply.buttons) }
            : reply.kind === "file"
              ? {
                  text: /^image\//.test(reply.mime)
                    ? (reply.caption ?? "")
                    : `${reply.caption ?? reply.name}\n${reply.link}`,
                  ...(/^image\//.test(reply.mime) ? { photo: reply.link } : {}),
                  buttons: toButtons(reply.buttons),
                }
              : { text: reply.text, buttons: toButtons(reply.buttons) };
        // Only Telegram edits in place; Viber always sends a new message.
        if (
          reply.kind === "text" &&
          reply.edit === true &&
          persona.channel === "tg" &&
          pressed !== undefined &&
          index === 0
        )
          item.replaces = Number(pressed);
        return item;
      }),
    );

  return {
    async handle(request) {
      const { persona, event } = request;
      const incoming = await incomingOf(event);
      const envelope: Envelope = {
        channel: persona.channel,
        transport: "sandbox",
        externalId: persona.id,
        updateKey: `sb:${persona.channel}:${request.eventId}`,
        sequence: Date.now() * 1000 + (counter++ % 1000),
        profile: { name: persona.name, languageHint: persona.language },
        incoming,
      };
      let items: OutboxItem[] = [];
      const outcome = await bot.engine.handle(envelope, async (result, ctx) => {
        // Like Telegram: only a press on the newest message edits it; an older one is answered at the bottom.
        const newest = await redis.lindex(keys.outbox(ctx.chatKey), -1);
        const newestId = newest === null ? undefined : String((JSON.parse(newest) as OutboxItem).id);
        const pressed = incoming.kind === "button" && incoming.messageId === newestId ? newestId : undefined;
        items = await record(ctx.chatKey, result, persona, pressed);
      });
      return {
        items,
        duplicate: outcome.duplicate,
        ...(persona.channel === "tg" && outcome.notice !== undefined ? { notice: outcome.notice } : {}),
      };
    },
    async messages(chatKey, after) {
      const raw = await redis.lrange(keys.outbox(chatKey), 0, -1);
      return raw.map((line) => JSON.parse(line) as OutboxItem).filter((item) => item.id > after);
    },
    file: (id) => redis.getBuffer(keys.file(id)),
  };
}
