import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { privateDir } from "./private-dir.ts";
import path from "node:path";

/**
 * Local mode only: a master key generated once and kept in the git-ignored
 * data folder (mode 0600), so `npm start` works on a fresh machine with no
 * secrets to set. Production must set ENCRYPTION_KEY (the config refuses to boot otherwise).
 */
export function localEncryptionKey(dataDir: string): string {
  const file = path.join(dataDir, "local-encryption-key");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  privateDir(dataDir);
  const key = `local1:${randomBytes(32).toString("base64")}`;
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}
