import { AppError } from "../errors/app-error.ts";
import type { Logger } from "../logging/create-logger.ts";
import type { DomainEvents, EventName } from "./domain-events.ts";

export type { DomainEvents, EventName } from "./domain-events.ts";

export type EventHandler<K extends EventName> = (payload: DomainEvents[K]) => Promise<void> | void;

/**
 * Typed domain events with any number of subscribers each.
 *
 * Delivery is in-process and synchronous with the emitter: `emit` runs the subscribers one after another, in the
 * order they subscribed, after the emitter's deciding write, and resolves when all have run. A subscriber that
 * fails does not stop the others; once all have run, `emit` rejects with that failure (with `event_handler_failed`
 * when several failed), so the caller's retry (a BullMQ attempt, the next callback, a sweeper) runs them again. Every
 * subscriber must therefore be idempotent: notices go out under one key per decision, invoices are created under
 * the hire's key. Nothing here survives a crash: work that must is a BullMQ job whose id is the decision key.
 */
export class EventHub {
  private readonly handlers = new Map<EventName, Array<EventHandler<EventName>>>();
  private readonly logger: Logger | undefined;

  constructor(logger?: Logger) {
    this.logger = logger;
  }

  /** Subscribes; returns the unsubscribe function. */
  on<K extends EventName>(name: K, handler: EventHandler<K>): () => void {
    const list = this.handlers.get(name) ?? [];
    list.push(handler as EventHandler<EventName>);
    this.handlers.set(name, list);
    return () => {
      const current = this.handlers.get(name) ?? [];
      this.handlers.set(
        name,
        current.filter((entry) => entry !== handler),
      );
    };
  }

  /** How many subscribers an event has (for tests and start-up logs). */
  count(name: EventName): number {
    return this.handlers.get(name)?.length ?? 0;
  }

  async emit<K extends EventName>(name: K, payload: DomainEvents[K]): Promise<void> {
    const failures: unknown[] = [];
    for (const handler of [...(this.handlers.get(name) ?? [])]) {
      try {
        await handler(payload);
      } catch (error) {
        failures.push(error);
        this.logger?.warn({ err: error, event: name }, "event subscriber failed");
      }
    }
    // One failure goes up as it is, so callers keep telling its code apart; several are reported together.
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) {
      throw new AppError("event_handler_failed", `${failures.length} subscriber(s) of ${name} failed`, {
        cause: failures[0],
        details: { event: name, failures: failures.length },
      });
    }
  }
}
