import type { Bindings, ChildLoggerOptions, Logger } from "pino";

const LEVELS = new Set(["fatal", "error", "warn", "info", "debug", "trace"]);
const noop = () => undefined;

/**
 * `parent.child(bindings)`, made only when something is logged through it. pino applies the redaction paths to a
 * child's bindings as it makes the child (about 40 KB of garbage with ours), and most updates and requests log
 * nothing: the per-update and per-request children were a sixth of everything a turn allocated. A call at a level
 * that is off returns at once, without making the child.
 */
export function lazyChild(parent: Logger, bindings: Bindings, options?: ChildLoggerOptions): Logger {
  let child: Logger | undefined;
  const made = () => (child ??= parent.child(bindings, options));
  // The target is a blank object: the proxy answers every property from the parent or the child.
  return new Proxy({} as Logger, {
    get(_target, property) {
      if (child === undefined) {
        if (typeof property === "string" && LEVELS.has(property) && !parent.isLevelEnabled(property)) return noop;
        if (property === "level" || property === "isLevelEnabled") return Reflect.get(parent, property, parent);
      }
      const logger = made();
      const value: unknown = Reflect.get(logger, property, logger);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(logger) : value;
    },
    set(_target, property, value) {
      return Reflect.set(made(), property, value);
    },
  });
}
