import type { Bindings, ChildLoggerOptions, Logger } from "pino";

const LEVELS = new Set(["fatal", "error", "warn", "info", "debug", "trace"]);
const noop = () => undefined;
type Method = (...args: unknown[]) => unknown;

/**
 * `parent.child(bindings)`, made only when something is logged through it. pino applies the redaction paths to a
 * child's bindings as it makes the child (about 40 KB of garbage with ours), and most updates and requests log
 * nothing: the per-update and per-request children were a sixth of everything a turn allocated. A call at a level
 * that is off returns at once, without making the child; reading a method (Fastify checks every request's logger
 * by reading its seven methods) or asking for a grandchild makes nothing either.
 */
export function lazyChild(parent: Logger, bindings: Bindings, options?: ChildLoggerOptions): Logger {
  // A child with a level of its own answers level questions differently from its parent: made at once.
  if (options?.level !== undefined) return parent.child(bindings, options);
  return deferred(() => parent.child(bindings, options), parent);
}

function deferred(make: () => Logger, levels: Logger): Logger {
  let child: Logger | undefined;
  const made = () => (child ??= make());
  const methods = new Map<PropertyKey, Method>();
  const grandchild = (bindings: Bindings, options?: ChildLoggerOptions): Logger =>
    options?.level !== undefined
      ? made().child(bindings, options)
      : deferred(() => made().child(bindings, options), levels);
  // The target is a blank object: the proxy answers every property from the parent or the child.
  return new Proxy({} as Logger, {
    get(_target, property) {
      if (property === "child") return grandchild;
      if (child === undefined) {
        if (typeof property === "string" && LEVELS.has(property) && !levels.isLevelEnabled(property)) return noop;
        if (property === "level" || property === "isLevelEnabled") return Reflect.get(levels, property, levels);
      }
      const own = methods.get(property);
      if (own !== undefined) return own;
      if (typeof Reflect.get(levels, property, levels) === "function") {
        // Every pino logger has the same methods: one made once per name, calling the child when called.
        const method: Method = (...args) => (Reflect.get(made(), property) as Method).apply(made(), args);
        methods.set(property, method);
        return method;
      }
      return Reflect.get(made(), property, made()) as unknown;
    },
    set(_target, property, value) {
      return Reflect.set(made(), property, value);
    },
  });
}
