import { createReadStream, createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { AwsClient } from "aws4fetch";
import { AppError } from "../errors/app-error.ts";

export interface S3Settings {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Key prefix inside the bucket (`trm/`), so one bucket can hold several things. */
  prefix: string;
}

/**
 * An S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, Backblaze B2) with path-style URLs and AWS Signature V4
 * (aws4fetch). Keys are relative to the settings' prefix. Large uploads stream from a file with their length.
 */
export class S3Bucket {
  readonly where: string;
  private readonly client: AwsClient;
  private readonly s3: S3Settings;

  constructor(s3: S3Settings) {
    this.s3 = s3;
    this.where = `${this.bucketUrl()}/${s3.prefix}`;
    this.client = new AwsClient({
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      service: "s3",
      region: s3.region,
    });
  }

  private bucketUrl(): string {
    return `${this.s3.endpoint.replace(/\/+$/, "")}/${this.s3.bucket}`;
  }

  private url(key: string): string {
    return `${this.bucketUrl()}/${encodeURI(`${this.s3.prefix}${key}`)}`;
  }

  private async send(url: string, init: RequestInit & { duplex?: "half" }, what: string): Promise<Response> {
    const response = await this.client.fetch(url, init).catch((error: unknown) => {
      throw new AppError("storage_unavailable", `${what}: ${String(error)}`, { cause: error });
    });
    if (response.status === 404) throw new AppError("storage_not_found", `${what}: not found`);
    if (!response.ok) throw new AppError("storage_unavailable", `${what}: HTTP ${response.status}`);
    return response;
  }

  async putBytes(key: string, bytes: Buffer): Promise<void> {
    await this.send(this.url(key), { method: "PUT", body: new Uint8Array(bytes) }, `upload ${key}`);
  }

  async putFile(key: string, file: string): Promise<void> {
    const { size } = await stat(file);
    const body = Readable.toWeb(createReadStream(file)) as unknown as ReadableStream;
    await this.send(
      this.url(key),
      {
        method: "PUT",
        body,
        duplex: "half",
        headers: { "content-length": String(size), "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
      },
      `upload ${key}`,
    );
  }

  async getBytes(key: string): Promise<Buffer> {
    const response = await this.send(this.url(key), { method: "GET" }, `download ${key}`);
    return Buffer.from(await response.arrayBuffer());
  }

  async getToFile(key: string, file: string): Promise<void> {
    const response = await this.send(this.url(key), { method: "GET" }, `download ${key}`);
    if (response.body === null) throw new AppError("storage_unavailable", `download ${key}: empty body`);
    await pipeline(Readable.fromWeb(response.body), createWriteStream(file, { mode: 0o600 }));
  }

  /** Every key under `prefix` (relative to the settings' prefix), in key order, a page of 1,000 at a time. */
  async *keys(prefix = ""): AsyncGenerator<string> {
    let token: string | undefined;
    do {
      const query = new URLSearchParams({ "list-type": "2", prefix: `${this.s3.prefix}${prefix}` });
      if (token !== undefined) query.set("continuation-token", token);
      const xml = await (await this.send(`${this.bucketUrl()}?${query.toString()}`, { method: "GET" }, "list")).text();
      for (const [, key] of xml.matchAll(/<Key>([^<]+)<\/Key>/g)) yield (key ?? "").slice(this.s3.prefix.length);
      token = /<IsTruncated>true<\/IsTruncated>/.test(xml)
        ? /<NextContinuationToken>([^<]+)<\/NextContinuationToken>/.exec(xml)?.[1]
        : undefined;
    } while (token !== undefined);
  }

  /** Deleting a missing key is not an error. */
  async delete(key: string): Promise<void> {
    await this.send(this.url(key), { method: "DELETE" }, `delete ${key}`).catch((error: unknown) => {
      if (!(error instanceof AppError && error.code === "storage_not_found")) throw error;
      return undefined;
    });
  }
}
