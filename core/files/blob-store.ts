import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { AppError } from "../errors/app-error.ts";
import { S3Bucket, type S3Settings } from "./s3-bucket.ts";

const BLOB_KEY = /^[A-Za-z0-9_-]{1,80}$/;

function checked(key: string): string {
  if (!BLOB_KEY.test(key)) throw new AppError("bad_blob_key", `bad blob key ${key}`);
  return key;
}

/**
 * Where encrypted files live: a port, so production can move from a volume to object storage without touching the
 * vault.
 */
export interface BlobStore {
  put(key: string, bytes: Buffer): Promise<void>;
  get(key: string): Promise<Buffer>;
  /** Deleting a missing blob is not an error. */
  delete(key: string): Promise<void>;
  /** Every key held, in key order (for backups). */
  keys(): AsyncIterable<string>;
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
    return path.join(this.dir, checked(key));
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

  async *keys(): AsyncGenerator<string> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    for (const name of names.sort()) if (BLOB_KEY.test(name)) yield name;
  }
}

/** Blobs in an S3-compatible bucket (so web and worker processes on several machines share one file store). */
export class S3BlobStore implements BlobStore {
  private readonly bucket: S3Bucket;

  constructor(settings: S3Settings) {
    this.bucket = new S3Bucket(settings);
  }

  put(key: string, bytes: Buffer): Promise<void> {
    return this.bucket.putBytes(checked(key), bytes);
  }

  get(key: string): Promise<Buffer> {
    return this.bucket.getBytes(checked(key));
  }

  delete(key: string): Promise<void> {
    return this.bucket.delete(checked(key));
  }

  async *keys(): AsyncGenerator<string> {
    for await (const key of this.bucket.keys()) if (BLOB_KEY.test(key)) yield key;
  }
}

/** The file store the configuration names: the bucket when `FILES_S3_*` is set, else a folder under STORAGE_DIR. */
export function fileStore(config: { storageDir: string; files: { s3: S3Settings | undefined } }): BlobStore {
  return config.files.s3 === undefined
    ? new FsBlobStore(path.join(config.storageDir, "media"))
    : new S3BlobStore(config.files.s3);
}
