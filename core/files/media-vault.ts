import { createHash, randomBytes } from "node:crypto";
import path from "node:path";
import { fileTypeFromBuffer } from "file-type";
import { imageSize } from "image-size";
import { Schema, type Connection, type Model } from "mongoose";
import type { EncryptionKey } from "../config/load-config.ts";
import { AppError } from "../errors/app-error.ts";
import type { Language, Transport } from "../users/user-model.ts";
import { randomId } from "../users/public-id.ts";
import { FsBlobStore, type BlobStore } from "./blob-store.ts";
import type { FileFetcher } from "./file-fetcher.ts";
import { gcmDecrypt, gcmEncrypt } from "../security/sealed-text.ts";

/** What a file is for decides which types are accepted. */
export type MediaPurpose = "cv" | "kyc" | "support";

/** Types accepted per purpose, by what the bytes are (not what the file claims). */
const ACCEPTED: Record<MediaPurpose, ReadonlySet<string>> = {
  cv: new Set([
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/webp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/x-cfb",
  ]),
  kyc: new Set(["image/jpeg", "image/png", "application/pdf"]),
  support: new Set(["application/pdf", "image/jpeg", "image/png", "image/webp"]),
};

/** A photo of a document smaller than this on its short side cannot be read by a reviewer. */
export const KYC_MIN_IMAGE_SIDE = 400;

export const MEDIA_MAX_BYTES = 10 * 1024 * 1024;

export interface MediaDoc {
  /** `M` + 12 characters. */
  _id: string;
  ownerId: string;
  purpose: MediaPurpose;
  status: "pending" | "stored" | "rejected" | "deleted";
  /** Where to download it from; cleared once the file is stored or refused. */
  source: { transport: Transport; fileRef: string } | null;
  /** What the owner is told if the bytes are refused, already in both languages. */
  rejectNotice: Record<Language, string>;
  rejectReason: string | null;
  mime: string | null;
  ext: string | null;
  size: number | null;
  keyId: string | null;
  /** The file's data key, encrypted by the master key `keyId` (base64: IV, tag, ciphertext). */
  wrappedKey: string | null;
  /** SHA-256 of the plaintext, hex. */
  sha256: string | null;
  createdAt: Date;
  storedAt: Date | null;
  /** Set when the bytes were deleted (retention, or the owner asked); the record stays. */
  deletedAt: Date | null;
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
    wrappedKey: { type: String, default: null },
    sha256: { type: String, default: null },
    createdAt: { type: Date, required: true },
    storedAt: { type: Date, default: null },
    deletedAt: { type: Date, default: null },
  },
  { versionKey: false, collection: "media" },
);

export function mediaModel(connection: Connection): Model<MediaDoc> {
  return (connection.models.Media as Model<MediaDoc> | undefined) ?? connection.model<MediaDoc>("Media", mediaSchema);
}

/**
 * Envelope encryption: a fresh 256-bit data key per file encrypts the bytes
 * (AES-256-GCM, the media id as associated data); the master key `key.id`
 * wraps the data key (AES-256-GCM, media id and key id as associated data).
 */
export function sealBytes(key: EncryptionKey, mediaId: string, plain: Buffer): { sealed: Buffer; wrappedKey: string } {
  const dataKey = randomBytes(32);
  const sealed = gcmEncrypt(dataKey, plain, mediaId);
  const wrappedKey = gcmEncrypt(key.key, dataKey, `${mediaId}:${key.id}`).toString("base64");
  dataKey.fill(0);
  return { sealed, wrappedKey };
}

/** Unwraps the data key with the master key it names (old keys stay readable after a rotation), then decrypts. */
export function openBytes(
  keys: EncryptionKey[],
  mediaId: string,
  keyId: string,
  wrappedKey: string,
  sealed: Buffer,
): Buffer {
  const key = keys.find((candidate) => candidate.id === keyId);
  if (key === undefined) throw new AppError("media_key_missing", `encryption key ${keyId} is not configured`);
  const dataKey = gcmDecrypt(key.key, Buffer.from(wrappedKey, "base64"), `${mediaId}:${keyId}`);
  try {
    return gcmDecrypt(dataKey, sealed, mediaId);
  } finally {
    dataKey.fill(0);
  }
}

/** The shorter side of an image in pixels; 0 when its size cannot be read. */
function shortSide(bytes: Buffer): number {
  try {
    const size = imageSize(bytes);
    return Math.min(size.width, size.height);
  } catch {
    return 0;
  }
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
  /** Where the encrypted bytes are (a folder or a bucket); backups read and restore through it. */
  readonly store: BlobStore;
  private readonly now: () => Date;

  constructor(options: {
    connection: Connection;
    keys: EncryptionKey[];
    storageDir: string;
    store?: BlobStore;
    now?: () => Date;
  }) {
    this.model = mediaModel(options.connection);
    this.keys = options.keys;
    this.store = options.store ?? new FsBlobStore(path.join(options.storageDir, "media"));
    this.now = options.now ?? (() => new Date());
  }

  async find(mediaId: string): Promise<MediaDoc | null> {
    return this.model.findById(mediaId).lean<MediaDoc>().exec();
  }

  /** Records a file someone sent; the caller queues `ingest` with the returned id. */
  async register(input: {
    ownerId: string;
    purpose: MediaPurpose;
    transport: Transport;
    fileRef: string;
    rejectNotice: Record<Language, string>;
  }): Promise<string> {
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
      wrappedKey: null,
      sha256: null,
      createdAt: this.now(),
      storedAt: null,
      deletedAt: null,
    });
    return id;
  }

  /**
   * Downloads, checks and stores one file (idempotent: a stored or refused
   * file is left as it is). Returns the outcome; a refused file is not an error.
   */
  async ingest(mediaId: string, fetcher: FileFetcher): Promise<MediaDoc> {
    const doc = await this.find(mediaId);
    if (doc === null) throw new AppError("media_not_found", `no media ${mediaId}`);
    if (doc.status !== "pending" || doc.source === null) return doc;
    const key = this.keys.at(-1);
    if (key === undefined) throw new AppError("no_encryption_key", "ENCRYPTION_KEY is not set");
    let bytes: Buffer;
    try {
      bytes = await fetcher.fetch(doc.source.transport, doc.source.fileRef, MEDIA_MAX_BYTES);
    } catch (error) {
      if (error instanceof AppError && (error.code === "file_too_large" || error.code === "file_expired"))
        return this.refuse(doc, error.code);
      throw error;
    }
    const type = await fileTypeFromBuffer(bytes);
    if (type === undefined || !ACCEPTED[doc.purpose].has(type.mime)) return this.refuse(doc, "file_type_refused");
    if (doc.purpose === "kyc" && type.mime.startsWith("image/")) {
      if (shortSide(bytes) < KYC_MIN_IMAGE_SIDE) return this.refuse(doc, "image_too_small");
    }
    const { sealed, wrappedKey } = sealBytes(key, mediaId, bytes);
    await this.store.put(mediaId, sealed);
    const stored = {
      status: "stored" as const,
      source: null,
      mime: type.mime,
      ext: type.ext === "cfb" ? "doc" : type.ext,
      size: bytes.length,
      keyId: key.id,
      wrappedKey,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      storedAt: this.now(),
    };
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
    if (doc === null || doc.status !== "stored" || doc.keyId === null || doc.wrappedKey === null)
      throw new AppError("media_not_found", `no stored media ${mediaId}`);
    const sealed = await this.store.get(mediaId);
    return {
      bytes: openBytes(this.keys, mediaId, doc.keyId, doc.wrappedKey, sealed),
      mime: doc.mime ?? "application/octet-stream",
      ext: doc.ext ?? "bin",
    };
  }

  /** Deletes a file's bytes (retention, or its owner asked); the record stays, marked deleted. Safe to repeat. */
  async erase(mediaId: string): Promise<void> {
    await this.store.delete(mediaId);
    await this.model
      .updateOne(
        { _id: mediaId },
        { $set: { status: "deleted", wrappedKey: null, source: null, deletedAt: this.now() } },
      )
      .exec();
  }
}
