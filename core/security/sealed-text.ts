import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { EncryptionKey } from "../config/load-config.ts";
import { AppError } from "../errors/app-error.ts";

/** AES-256-GCM: 12-byte IV, 16-byte tag, then the ciphertext; `aad` binds the text to where it belongs. */
export function gcmEncrypt(key: Buffer, plain: Buffer, aad: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function gcmDecrypt(key: Buffer, sealed: Buffer, aad: string): Buffer {
  const decipher = createDecipheriv("aes-256-gcm", key, sealed.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(sealed.subarray(12, 28));
  return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
}

/** A short text sealed with a master key: what may rest in Redis when it holds personal data. */
export interface SealedText {
  /** The id of the master key that sealed it (old keys stay readable after a rotation). */
  k: string;
  /** Base64 of IV, tag and ciphertext. */
  v: string;
}

export function sealText(key: EncryptionKey, text: string, aad: string): SealedText {
  return { k: key.id, v: gcmEncrypt(key.key, Buffer.from(text, "utf8"), `${aad}:${key.id}`).toString("base64") };
}

export function openText(keys: EncryptionKey[], sealed: SealedText, aad: string): string {
  const key = keys.find((candidate) => candidate.id === sealed.k);
  if (key === undefined) throw new AppError("media_key_missing", `encryption key ${sealed.k} is not configured`);
  return gcmDecrypt(key.key, Buffer.from(sealed.v, "base64"), `${aad}:${key.id}`).toString("utf8");
}
