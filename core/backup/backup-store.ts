import { createReadStream, createWriteStream } from "node:fs";
import { copyFile, mkdir, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { AwsClient } from "aws4fetch";
import { AppError } from "../errors/app-error.ts";

/** Backups are named `trm-backup-<UTC time>.bak`, so names sort by age. */
export const BACKUP_NAME = /^trm-backup-\d{8}T\d{6}Z\.bak$/;
export const backupName = (now: Date): string =>
  `trm-backup-${now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "")}.bak`;

/** Where backups are kept: a folder, or an S3-compatible bucket. */
export interface BackupStore {
  readonly where: string;
  put(name: string, file: string): Promise<void>;
  /** Copies a backup to a local file. */
  get(name: string, file: string): Promise<void>;
  /** Backup names, oldest first. */
  list(): Promise<string[]>;
  remove(name: string): Promise<void>;
}

export class FolderStore implements BackupStore {
  readonly where: string;
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
    this.where = dir;
  }

  async put(name: string, file: string): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await copyFile(file, path.join(this.dir, name));
  }

  async get(name: string, file: string): Promise<void> {
    const source = path.join(this.dir, name);
    if (!BACKUP_NAME.test(name) || !(await stat(source).catch(() => null)))
      throw new AppError("backup_not_found", `no backup ${name} in ${this.dir}`);
    await copyFile(source, file);
  }

  async list(): Promise<string[]> {
    const names = await readdir(this.dir).catch(() => []);
    return names.filter((name) => BACKUP_NAME.test(name)).sort();
  }

  async remove(name: string): Promise<void> {
    await rm(path.join(this.dir, name), { force: true });
  }
}

export interface S3Settings {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  prefix: string;
}

/**
 * An S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, Backblaze B2), path-style URLs, requests signed with AWS
 * Signature V4 by aws4fetch. Uploads stream from the file (unsigned payload, over TLS) with its length.
 */
export class S3Store implements BackupStore {
  readonly where: string;
  private readonly client: AwsClient;
  private readonly s3: S3Settings;

  constructor(s3: S3Settings) {
    this.s3 = s3;
    this.where = `${s3.endpoint.replace(/\/+$/, "")}/${s3.bucket}/${s3.prefix}`;
    this.client = new AwsClient({
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      service: "s3",
      region: s3.region,
    });
  }

  private url(name: string): string {
    return `${this.s3.endpoint.replace(/\/+$/, "")}/${this.s3.bucket}/${encodeURI(`${this.s3.prefix}${name}`)}`;
  }

  private async send(url: string, init: RequestInit & { duplex?: "half" }, what: string): Promise<Response> {
    const response = await this.client.fetch(url, init).catch((error: unknown) => {
      throw new AppError("backup_store_failed", `${what}: ${String(error)}`, { cause: error });
    });
    if (response.status === 404) throw new AppError("backup_not_found", `${what}: not found`);
    if (!response.ok) throw new AppError("backup_store_failed", `${what}: HTTP ${response.status}`);
    return response;
  }

  async put(name: string, file: string): Promise<void> {
    const { size } = await stat(file);
    const body = Readable.toWeb(createReadStream(file)) as unknown as ReadableStream;
    await this.send(
      this.url(name),
      {
        method: "PUT",
        body,
        duplex: "half",
        headers: { "content-length": String(size), "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
      },
      `upload ${name}`,
    );
  }

  async get(name: string, file: string): Promise<void> {
    const response = await this.send(this.url(name), { method: "GET" }, `download ${name}`);
    if (response.body === null) throw new AppError("backup_store_failed", `download ${name}: empty body`);
    await pipeline(Readable.fromWeb(response.body), createWriteStream(file, { mode: 0o600 }));
  }

  async list(): Promise<string[]> {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const query = new URLSearchParams({ "list-type": "2", prefix: this.s3.prefix });
      if (token !== undefined) query.set("continuation-token", token);
      const bucketUrl = `${this.s3.endpoint.replace(/\/+$/, "")}/${this.s3.bucket}`;
      const xml = await (await this.send(`${bucketUrl}?${query.toString()}`, { method: "GET" }, "list")).text();
      for (const [, key] of xml.matchAll(/<Key>([^<]+)<\/Key>/g)) {
        const name = (key ?? "").slice(this.s3.prefix.length);
        if (BACKUP_NAME.test(name)) names.push(name);
      }
      token = /<IsTruncated>true<\/IsTruncated>/.test(xml)
        ? /<NextContinuationToken>([^<]+)<\/NextContinuationToken>/.exec(xml)?.[1]
        : undefined;
    } while (token !== undefined);
    return names.sort();
  }

  async remove(name: string): Promise<void> {
    await this.send(this.url(name), { method: "DELETE" }, `delete ${name}`).catch((error: unknown) => {
      if (!(error instanceof AppError && error.code === "backup_not_found")) throw error;
      return undefined;
    });
  }
}
