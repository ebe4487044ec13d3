import { chatSlot } from "../conversations/chat-keys.ts";

export type Admission = "ok" | "slow_down" | "drop";

/**
 * How much one person may send: `burst` updates at once, and `burst` more every `windowSeconds` (a token bucket, kept
 * in Redis so every web instance shares it). Someone typing quickly but steadily below that rate is never stopped,
 * whatever moment they started at; a flood is stopped after its first `burst`. The allowance is taken with the chat's
 * turn (the chat gate's acquire script updates the key this names), so the limit costs no command of its own. The
 * first update that finds it spent gets a polite notice to slow down (once until the chat has been quiet for a
 * window), and the refused ones are recorded as handled and dropped, so one flood does not slow everyone else down.
 */
export class InboundLimiter {
  private readonly prefix: string;
  readonly burst: number;
  readonly windowMs: number;

  constructor(options: { prefix: string; burst: number; windowSeconds: number }) {
    this.prefix = `${options.prefix}:inbound`;
    this.burst = options.burst;
    this.windowMs = options.windowSeconds * 1000;
  }

  /** The chat's allowance key (with the chat's hash tag, beside its other keys). */
  key(chatKey: string): string {
    return `${this.prefix}:allowance:${chatSlot(chatKey)}`;
  }

  /** What an update gets when it is the `over`-th to find the allowance spent since the chat was quiet (0: within). */
  admission(over: number): Admission {
    if (over === 0) return "ok";
    // The first update past the allowance gets the notice; the flood's other refused updates go unanswered.
    return over === 1 ? "slow_down" : "drop";
  }
}
