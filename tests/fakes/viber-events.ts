import { createHmac } from "node:crypto";

/** Real-shaped Viber callbacks as raw JSON text, with unquoted 19-digit message tokens. */
let nextToken = 4_912_661_846_655_238_145n;
let clock = 1_700_000_000_000;

export interface VbUser {
  id: string;
  name: string;
  language?: string;
}

const userJson = (user: VbUser) =>
  JSON.stringify({
    id: user.id,
    name: user.name,
    avatar: "http://avatar.example.com",
    country: "MM",
    language: user.language ?? "en",
    api_version: 10,
  });

export function vbConversationStarted(user: VbUser, context?: string, token = nextToken++): string {
  return (
    `{"event":"conversation_started","timestamp":${clock++}` +
    `,"type":"open",${context === undefined ? "" : `"context":${JSON.stringify(context)},`}` +
    `"user":${userJson(user)},"message_token":${token.toString()},"subscribed":false}`
  );
}

export function vbText(user: VbUser, text: string, token = nextToken++, timestamp = clock++): string {
  return (
    `{"event":"message","timestamp":${timestamp},"sender":${userJson(user)}` +
    `,"message":{"type":"text","text":${JSON.stringify(text)}},"message_token":${token.toString()}}`
  );
}

export function vbPicture(
  user: VbUser,
  token = nextToken++,
  media = "https://example.com/img.jpg",
  size?: number,
): string {
  return (
    `{"event":"message","timestamp":${clock++},"message_token":${token.toString()},"sender":${userJson(user)}` +
    `,"message":{"type":"picture","text":"","media":${JSON.stringify(media)}` +
    `${size === undefined ? "" : `,"size":${size}`}}}`
  );
}

export function vbUnsubscribed(user: VbUser): string {
  return (
    `{"event":"unsubscribed","timestamp":${clock++}` +
    `,"user_id":${JSON.stringify(user.id)},"message_token":${(nextToken++).toString()}}`
  );
}

export function vbReceipt(user: VbUser, event: "delivered" | "seen" | "failed"): string {
  return (
    `{"event":"${event}","timestamp":${clock++},"message_token":${(nextToken++).toString()}` +
    `,"user_id":${JSON.stringify(user.id)}${event === "failed" ? ',"desc":"message validation failed"' : ""}}`
  );
}

export const vbWebhookCheck = (): string =>
  `{"event":"webhook","timestamp":${clock++}` +
  `,"chat_hostname":"SN-CHAT-22_","message_token":${(nextToken++).toString()}}`;

export const signViber = (authToken: string, raw: string): string =>
  createHmac("sha256", authToken).update(raw).digest("hex");
