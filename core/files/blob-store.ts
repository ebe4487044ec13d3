import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { AppError } from "../errors/app-error.ts";

/**
 * Where encrypted files live: a port, so production can move from a volume to object storage without touching the
 * vault.
 */
export interface BlobStore {
  put(key: string, bytes: Buffer): Promise<void>;
  get(key: string): Promise<Buffer>;
  /** Deleting a missing blob is not an error. */
  delete(key: string): Promise<void>;
}

/**
 * Files under a folder (a mounted volume in production, `.data/` locally), written atomically with owner-only
 * permissions.
 */
export class FsBlobStore implements BlobStore {
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  private file(key: string): string {
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(key)) throw new AppError("bad_blob_key", `bad blob key ${key}`);
    return path.join(this.dir, key);
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const file = this.file(key);
    await writeFile(`${file}.tmp`, bytes, { mode: 0o600 });
    await rename(`${file}.tmp`, file);
  }

  async get(key: string): Promise<Buffer> {
    return readFile(this.file(key));
  }

  async delete(key: string): Promise<void> {
    await rm(this.file(key), { force: true });
  }
}
