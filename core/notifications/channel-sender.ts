import type { Channel, Transport } from "../users/user-model.ts";

/** A message ready to send: text in the recipient's language, optionally an image. */
export interface OutboundMessage {
  text: string;
  imageUrl?: string | undefined;
}

export type SendResult =
  | { kind: "sent" }
  /** Blocked the bot / unsubscribed: mark unreachable, do not retry. */
  | { kind: "unreachable" }
  /** The platform asked us to slow down. */
  | { kind: "rate_limited"; retryAfterMs: number };

/**
 * The port through which background work reaches the channels (implemented
 * in bots/channels, wired by the process entry points). Transport failures
 * are thrown and retried by the queue.
 */
export interface ChannelSender {
  transport: Transport;
  send(target: { channel: Channel; externalId: string }, message: OutboundMessage): Promise<SendResult>;
  /**
   * Many recipients in one call where the platform allows it (Viber: 300 per call). Returns who could not be reached.
   */
  sendMany?(externalIds: string[], message: OutboundMessage): Promise<{ unreachable: string[] }>;
}

export type ChannelSenders = Partial<Record<Transport, ChannelSender>>;
