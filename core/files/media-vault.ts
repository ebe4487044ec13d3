import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileTypeFromBuffer } from "file-type";
import { Schema, type Connection, type Model } from "mongoose";
import type { EncryptionKey } from "../config/load-config.ts";
import { AppError } from "../errors/app-error.ts";
import type { Language, Transport } from "../users/user-model.ts";
import { randomId } from "../users/public-id.ts";
import type { FileFetcher } from "./file-fetcher.ts";

/** What a file is for decides which types are accepted. */
export type MediaPurpose = "cv" | "kyc";

/** Types accepted per purpose, by what the bytes are (not what the file claims). */
const ACCEPTED: Record<MediaPurpose, ReadonlySet<string>> = {
  cv: new Set(["application/pdf", "image/jpeg", "image/png", "image/webp", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/x-cfb"]),
  kyc: new Set(["image/jpeg", "image/png", "image/webp"]),
};

export const MEDIA_MAX_BYTES = 10 * 1024 * 1024;

export interface MediaDoc {
  /** `M` + 12 characters. */
  _id: string;
  ownerId: string;
  purpose: MediaPurpose;
  status: "pending" | "stored" | "rejected";
  /** Where to download it from; cleared once the file is stored or refused. */
  source: { transport: Transport; fileRef: string } | null;
  /** What the owner is told if the bytes are refused, already in both languages. */
  rejectNotice: Record<Language, string>;
  rejectReason: string | null;
  mime: string | null;
  ext: string | null;
  size: number | null;
  keyId: string | null;
  createdAt: Date;
  storedAt: Date | null;
}

const mediaSchema = new Schema<MediaDoc>(
  {
    _id: String,
    ownerId: { type: String, required: true },
    purpose: { type: String, required: true },
    status: { type: String, required: true },
    source: { type: Schema.Types.Mixed, default: null },
    rejectNotice: { en: String, my: String },
    rejectReason: { type: String, default: null },
    mime: { type: String, default: null },
    ext: { type: String, default: null },
    size: { type: Number, default: null },
    keyId: { type: String, default: null },
    createdAt: { type: Date, required: true },
    storedAt: { type: Date, default: null },
  },
  { versionKey: false, collection: "media" },
);

export function mediaModel(connection: Connection): Model<MediaDoc> {
  return (connection.models.Media as Model<MediaDoc> | undefined) ?? connection.model<MediaDoc>("Media", mediaSchema);
}

const MAGIC = Buffer.from("TRM1");

/** `TRM1`, key id length, key id, IV (12), tag (16), ciphertext. The media id is authenticated too, so a file cannot be swapped for another. */
export function sealBytes(key: EncryptionKey, mediaId: string, plain: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key.key, iv);
  cipher.setAAD(Buffer.from(mediaId));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  const id = Buffer.from(key.id);
  return Buffer.concat([MAGIC, Buffer.from([id.length]), id, iv, cipher.getAuthTag(), body]);
}

export function openBytes(keys: EncryptionKey[], mediaId: string, sealed: Buffer): Buffer {
  if (!sealed.subarray(0, 4).equals(MAGIC)) throw new AppError("internal", "media_corrupt", "not a sealed file");
  const idLength = sealed[4] ?? 0;
  const keyId = sealed.subarray(5, 5 + idLength).toString();
  const key = keys.find((candidate) => candidate.id === keyId);
  if (key === undefined) throw new AppError("unavailable", "media_key_missing", `encryption key ${keyId} is not configured`);
  const offset = 5 + idLength;
  const decipher = createDecipheriv("aes-256-gcm", key.key, sealed.subarray(offset, offset + 12));
  decipher.setAAD(Buffer.from(mediaId));
  decipher.setAuthTag(sealed.subarray(offset + 12, offset + 28));
  return Buffer.concat([decipher.update(sealed.subarray(offset + 28)), decipher.final()]);
}

/** Where a stored file can be queued for download (BullMQ in the web process; the media id is the whole payload). */
export interface MediaQueue {
  ingest(mediaId: string): Promise<void>;
}

/**
 * Encrypted media intake for CVs and KYC documents: the bot records a
 * pending file and queues it; a worker downloads it from the channel, checks
 * its type by its bytes, encrypts it (AES-256-GCM, newest key) and writes it
 * under the storage folder. Bytes never enter logs or job payloads.
 */
export class MediaVault {
  private readonly model: Model<MediaDoc>;
  private readonly keys: EncryptionKey[];
  private readonly dir: string;
  private readonly now: () => Date;

  constructor(options: { connection: Connection; keys: EncryptionKey[]; storageDir: string; now?: () => Date }) {
    this.model = mediaModel(options.connection);
    this.keys = options.keys;
    this.dir = path.join(options.storageDir, "media");
    this.now = options.now ?? (() => new Date());
  }

  async find(mediaId: string): Promise<MediaDoc | null> {
    return this.model.findById(mediaId).lean<MediaDoc>().exec();
  }

  /** Records a file someone sent; the caller queues `ingest` with the returned id. */
  async register(input: { ownerId: string; purpose: MediaPurpose; transport: Transport; fileRef: string; rejectNotice: Record<Language, string> }): Promise<string> {
    const id = `M${randomId(12)}`;
    await this.model.create({
      _id: id,
      ownerId: input.ownerId,
      purpose: input.purpose,
      status: "pending",
      source: { transport: input.transport, fileRef: input.fileRef },
      rejectNotice: input.rejectNotice,
      rejectReason: null,
      mime: null,
      ext: null,
      size: null,
      keyId: null,
      createdAt: this.now(),
      storedAt: null,
    });
    return id;
  }

  /**
   * Downloads, checks and stores one file (idempotent: a stored or refused
   * file is left as it is). Returns the outcome; a refused file is not an error.
   */
  async ingest(mediaId: string, fetcher: FileFetcher): Promise<MediaDoc> {
    const doc = await this.find(mediaId);
    if (doc === null) throw new AppError("not_found", "media_not_found", `no media ${mediaId}`);
    if (doc.status !== "pending" || doc.source === null) return doc;
    const key = this.keys.at(-1);
    if (key === undefined) throw new AppError("unavailable", "no_encryption_key", "ENCRYPTION_KEY is not set");
    let bytes: Buffer;
    try {
      bytes = await fetcher.fetch(doc.source.transport, doc.source.fileRef, MEDIA_MAX_BYTES);
    } catch (error) {
      if (error instanceof AppError && (error.code === "file_too_large" || error.code === "file_expired")) return this.refuse(doc, error.code);
      throw error;
    }
    const type = await fileTypeFromBuffer(bytes);
    if (type === undefined || !ACCEPTED[doc.purpose].has(type.mime)) return this.refuse(doc, "file_type_refused");
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const file = path.join(this.dir, mediaId);
    await writeFile(`${file}.tmp`, sealBytes(key, mediaId, bytes), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
    const stored = { status: "stored" as const, source: null, mime: type.mime, ext: type.ext === "cfb" ? "doc" : type.ext, size: bytes.length, keyId: key.id, storedAt: this.now() };
    await this.model.updateOne({ _id: mediaId }, { $set: stored }).exec();
    return { ...doc, ...stored };
  }

  private async refuse(doc: MediaDoc, reason: string): Promise<MediaDoc> {
    const refused = { status: "rejected" as const, source: null, rejectReason: reason };
    await this.model.updateOne({ _id: doc._id }, { $set: refused }).exec();
    return { ...doc, ...refused };
  }

  /** The decrypted bytes of a stored file (callers audit who read it). */
  async read(mediaId: string): Promise<{ bytes: Buffer; mime: string; ext: string }> {
    const doc = await this.find(mediaId);
    if (doc === null || doc.status !== "stored") throw new AppError("not_found", "media_not_found", `no stored media ${mediaId}`);
    const sealed = await readFile(path.join(this.dir, mediaId));
    return { bytes: openBytes(this.keys, mediaId, sealed), mime: doc.mime ?? "application/octet-stream", ext: doc.ext ?? "bin" };
  }
}
