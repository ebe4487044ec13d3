import { chmodSync, mkdirSync } from "node:fs";

/**
 * Creates (or tightens) a folder that holds local data: 0700, so nobody but the user running the platform can read
 * the database, the Redis append-only file or the local key inside it, whatever modes the services give their files.
 */
export function privateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}
