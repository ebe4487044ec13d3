/**
 * Whether a failed send may still have reached the platform. Only errors that
 * prove the request never left (the connection was refused, the name did not
 * resolve) are safe to send again; a timeout, a connection lost after the
 * request went out, or an answer we could not read may hide a delivered
 * message, so such a send is recorded "uncertain" and never repeated.
 */
const NEVER_LEFT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

export function mayHaveReachedPlatform(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === "object" && current !== null && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && NEVER_LEFT.has(code)) return false;
    // grammY's HttpError keeps the fetch error in `error`; fetch keeps the socket error in `cause`.
    const next = current as { error?: unknown; cause?: unknown };
    current = next.error ?? next.cause;
  }
  return true;
}
