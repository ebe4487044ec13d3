import { createHash } from "node:crypto";
import { toAsciiDigits } from "../../core/myanmar/index.ts";
import type { Button, Reply } from "./contract.ts";

/** Keys kept per chat: enough for the largest keyboard (Viber's 24) plus the menu. */
const MAX_KEYS = 48;

/**
 * A label as a person would type it back: letters, marks and digits only (no emoji, ticks, arrows or spaces),
 * lower case, ASCII digits. "💸 Withdraw" → "withdraw", "✓ မြန်မာ" → "မြန်မာ".
 */
export function labelKey(label: string): string {
  const known = KEYS.get(label);
  if (known !== undefined) return known;
  const key = toAsciiDigits(label.normalize("NFC"))
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}]/gu, "");
  remember(KEYS, label, key);
  return key;
}

/** A short one-way digest of a label key: labels can name a candidate, so only the digest is stored. */
export function labelHash(label: string): string {
  const known = HASHES.get(label);
  if (known !== undefined) return known;
  const hash = createHash("sha256").update(labelKey(label)).digest("base64url").slice(0, 16);
  remember(HASHES, label, hash);
  return hash;
}

/**
 * Most labels are the same few hundred translated strings (menus, Back, Cancel) on every turn: their keys and
 * digests are kept, up to a bound (a label naming a person is kept only in this process's memory, briefly).
 */
const KEYS = new Map<string, string>();
const HASHES = new Map<string, string>();
const KEPT_LABELS = 5_000;
function remember(map: Map<string, string>, label: string, value: string): void {
  if (map.size >= KEPT_LABELS) map.clear();
  map.set(label, value);
}

/** The pressable buttons of a turn (data buttons only; links and requests cannot be typed back). */
export function typedKeysOf(replies: Reply[]): Array<{ hash: string; data: string }> {
  const keys: Array<{ hash: string; data: string }> = [];
  const seen = new Set<string>();
  for (const reply of replies)
    for (const row of reply.buttons ?? [])
      for (const button of row) {
        if (!("data" in button) || labelKey(button.label) === "") continue;
        const hash = labelHash(button.label);
        if (seen.has(hash)) continue;
        seen.add(hash);
        keys.push({ hash, data: button.data });
      }
  return keys.slice(-MAX_KEYS);
}

/** Label key → data of `buttons` (the first button wins a shared label; links and requests are left out). */
export function labelIndex(buttons: Button[]): Map<string, string> {
  const index = new Map<string, string>();
  for (const button of buttons) {
    if (!("data" in button)) continue;
    const key = labelKey(button.label);
    if (key !== "" && !index.has(key)) index.set(key, button.data);
  }
  return index;
}
