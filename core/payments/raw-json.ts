/**
 * Parses a gateway's JSON body keeping every number as the exact text it was
 * sent as (`1000.50` stays `"1000.50"`, `300` stays `"300"`): signatures are
 * computed over that text, and `JSON.parse` would turn `1000.50` into 1000.5.
 * Uses the reviver's source text (Node 22+).
 */
export function parseLosslessJson(raw: string): unknown {
  return JSON.parse(raw, (_key, value: unknown, context?: { source?: string }) =>
    typeof value === "number" && context?.source !== undefined ? context.source : value,
  );
}

/** A scalar as a gateway signs it: strings as they are, numbers as their received text, booleans as `true`/`false`. */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "true" : "false";
  return undefined;
}
