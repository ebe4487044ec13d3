/**
 * A chat's part of its Redis keys: `tg:123` → `tg:{123}`. The braces are a Redis Cluster hash tag: every key of one
 * chat (its line and lock, its conversation, its rate count, its Telegram newest message, its reply outbox) lands in
 * the same slot, so one script can read or write them together. The tag is the platform's id of the chat (the same
 * tag the reply outbox has always used).
 */
export function chatSlot(chatKey: string): string {
  const colon = chatKey.indexOf(":");
  if (colon < 0) return `{${chatKey}}`;
  return `${chatKey.slice(0, colon)}:{${chatKey.slice(colon + 1)}}`;
}
