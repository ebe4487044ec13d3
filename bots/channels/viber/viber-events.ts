import { z } from "zod";

/**
 * Parses a callback body keeping every `message_token` exactly as sent: it is
 * a 64-bit number, and `JSON.parse` would round it. Uses the reviver's access
 * to the source text (Node 22+), so no extra parser is needed.
 */
export function parseViberJson(raw: string): unknown {
  return JSON.parse(raw, (key, value: unknown, context?: { source?: string }) =>
    key === "message_token" && typeof value === "number" && context?.source !== undefined ? context.source : value,
  );
}

const token = z.union([z.string().regex(/^\d{1,20}$/), z.number().int().transform(String)]);
const viberUser = z.object({
  id: z.string().min(1).max(64),
  name: z.string().max(256).optional(),
  avatar: z.string().optional(),
  language: z.string().optional(),
  country: z.string().optional(),
  api_version: z.number().optional(),
});
const inboundMessage = z.object({
  type: z.enum(["text", "picture", "video", "file", "sticker", "contact", "url", "location"]),
  text: z.string().max(10_000).optional(),
  media: z.string().optional(),
  file_name: z.string().optional(),
  size: z.number().optional(),
  file_size: z.number().optional(),
  location: z.object({ lat: z.number(), lon: z.number() }).optional(),
  contact: z.object({ name: z.string().optional(), phone_number: z.string().optional() }).optional(),
  tracking_data: z.string().optional(),
});

const base = { timestamp: z.number().int(), message_token: token.optional() };

/** Every callback event Viber sends (creators.viber.com `events/*`). */
export const viberEventSchema = z.discriminatedUnion("event", [
  z.object({ event: z.literal("webhook"), ...base, chat_hostname: z.string().optional() }),
  z.object({
    event: z.literal("conversation_started"),
    ...base,
    type: z.string().optional(),
    context: z.string().max(512).optional(),
    user: viberUser,
    subscribed: z.boolean().optional(),
  }),
  z.object({ event: z.literal("subscribed"), ...base, user: viberUser }),
  z.object({ event: z.literal("unsubscribed"), ...base, user_id: z.string() }),
  z.object({ event: z.literal("message"), ...base, sender: viberUser, message: inboundMessage }),
  z.object({ event: z.literal("delivered"), ...base, user_id: z.string() }),
  z.object({ event: z.literal("seen"), ...base, user_id: z.string() }),
  z.object({ event: z.literal("failed"), ...base, user_id: z.string(), desc: z.string().optional() }),
]);

export type ViberEvent = z.infer<typeof viberEventSchema>;
export type ViberInbound = z.infer<typeof inboundMessage>;
export type ViberUser = z.infer<typeof viberUser>;
