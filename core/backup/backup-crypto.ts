import { createCipheriv, createDecipheriv, randomBytes, type CipherGCM, type DecipherGCM } from "node:crypto";
import { open } from "node:fs/promises";
import type { EncryptionKey } from "../config/load-config.ts";
import { AppError } from "../errors/app-error.ts";

/**
 * A backup file: `TRMBAK1\n`, one JSON line naming the key and the IV, the AES-256-GCM ciphertext of the gzipped
 * dump, then the 16-byte tag. The dump holds people's data, so it never rests in clear outside the database; the key
 * is the platform's `ENCRYPTION_KEY` (by id, so a rotated key still opens older backups).
 */
const MAGIC = "TRMBAK1\n";
const TAG_BYTES = 16;

export interface BackupHeader {
  keyId: string;
  iv: string;
}

export function backupCipher(key: EncryptionKey): { header: Buffer; cipher: CipherGCM } {
  const iv = randomBytes(12);
  const header = Buffer.from(`${MAGIC}${JSON.stringify({ keyId: key.id, iv: iv.toString("base64") })}\n`);
  const cipher = createCipheriv("aes-256-gcm", key.key, iv);
  cipher.setAAD(header);
  return { header, cipher };
}

/**
 * Opens a backup file: its header, where the ciphertext lies, and a decipher already holding the tag (so `final()`
 * fails on any altered byte).
 */
export async function backupDecipher(
  path: string,
  keys: EncryptionKey[],
): Promise<{ decipher: DecipherGCM; start: number; end: number }> {
  const file = await open(path, "r");
  try {
    const { size } = await file.stat();
    const head = Buffer.alloc(Math.min(size, 512));
    await file.read(head, 0, head.length, 0);
    const lineEnd = head.indexOf("\n", MAGIC.length);
    if (!head.subarray(0, MAGIC.length).equals(Buffer.from(MAGIC)) || lineEnd < 0 || size < lineEnd + 1 + TAG_BYTES)
      throw new AppError("backup_unreadable", "not a TRM backup file");
    const header = JSON.parse(head.subarray(MAGIC.length, lineEnd).toString("utf8")) as BackupHeader;
    const key = keys.find((candidate) => candidate.id === header.keyId);
    if (key === undefined)
      throw new AppError("backup_key_missing", `the backup was made with key ${header.keyId}, which is not configured`);
    const tag = Buffer.alloc(TAG_BYTES);
    await file.read(tag, 0, TAG_BYTES, size - TAG_BYTES);
    const decipher = createDecipheriv("aes-256-gcm", key.key, Buffer.from(header.iv, "base64"));
    decipher.setAAD(head.subarray(0, lineEnd + 1));
    decipher.setAuthTag(tag);
    return { decipher, start: lineEnd + 1, end: size - TAG_BYTES - 1 };
  } finally {
    await file.close();
  }
}
