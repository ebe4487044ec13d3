import { hash, timingSafeEqual } from "node:crypto";

/** Compares two secrets in constant time, whatever their lengths (both are hashed first). */
export function safeEqual(given: string | Buffer, expected: string | Buffer): boolean {
  const a = hash("sha256", given, "buffer");
  const b = hash("sha256", expected, "buffer");
  return timingSafeEqual(a, b);
}
