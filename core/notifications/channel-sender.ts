import type { Channel, Transport } from "../users/user-model.ts";

/** A message ready to send: text in the recipient's language, optionally an image. */
export interface OutboundMessage {
  text: string;
  imageUrl?: string | undefined;
  /** One button that does what the message is about (a job alert's "Open the job"), as a chat button's data. */
  button?: { label: string; data: string } | undefined;
}

export type SendResult =
  | { kind: "sent" }
  /** Blocked the bot / unsubscribed: mark unreachable, do not retry. */
  | { kind: "unreachable" }
  /** The platform asked us to slow down. */
  | { kind: "rate_limited"; retryAfterMs: number }
  /**
   * The request may have reached the platform but its answer never came (a timeout or a connection lost after
   * sending): recorded as such and never sent again, so a person never gets the same message twice.
   */
  | { kind: "uncertain" };

/**
 * The port through which background work reaches the channels (implemented
 * in bots/channels, wired by the process entry points). Failures that prove
 * nothing left (connection refused, a 5xx answer) are thrown and retried by
 * the queue; a send whose outcome is unknown answers `uncertain`.
 */
export interface ChannelSender {
  transport: Transport;
  send(target: { channel: Channel; externalId: string }, message: OutboundMessage): Promise<SendResult>;
  /**
   * Many recipients in one call where the platform allows it (Viber: 300 per call). Returns who could not be reached.
   */
  sendMany?(externalIds: string[], message: OutboundMessage): Promise<{ unreachable: string[] }>;
  /**
   * Sends the chat replies that wait since the platform could not take them (an outage), in order per chat; `blocked`
   * hears of each person found to have blocked the bot. Returns what happened per chat.
   */
  drainReplies?(blocked: (chatKey: string) => Promise<unknown>): Promise<ReplyDrainReport[]>;
}

/** One chat's waiting replies after a drain: sent, maybe delivered (never again), dropped, still waiting. */
export interface ReplyDrainReport {
  sent: number;
  uncertain: number;
  dropped: number;
  left: number;
}

export type ChannelSenders = Partial<Record<Transport, ChannelSender>>;
