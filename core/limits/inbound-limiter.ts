import { chatSlot } from "../conversations/chat-keys.ts";

export type Admission = "ok" | "slow_down" | "drop";

/**
 * How much one person may send: `burst` updates in any fixed window of `windowSeconds`, counted in Redis so every web
 * instance shares the count. The count is taken with the chat's turn (the chat gate's acquire script increments the
 * key this names), so the limit costs no command of its own. Past it the person is told once per window to slow
 * down, and the rest of the window's updates are recorded as handled and dropped, so one flood does not slow
 * everyone else down.
 */
export class InboundLimiter {
  private readonly prefix: string;
  private readonly burst: number;
  readonly windowMs: number;

  constructor(options: { prefix: string; burst: number; windowSeconds: number }) {
    this.prefix = `${options.prefix}:inbound`;
    this.burst = options.burst;
    this.windowMs = options.windowSeconds * 1000;
  }

  /** The chat's count key (with the chat's hash tag, beside its other keys). */
  key(chatKey: string): string {
    return `${this.prefix}:${chatSlot(chatKey)}`;
  }

  /** What the update numbered `count` in its window gets. */
  admission(count: number): Admission {
    if (count <= this.burst) return "ok";
    // The first update over the burst gets the notice; the others of the window go unanswered.
    return count === this.burst + 1 ? "slow_down" : "drop";
  }
}
