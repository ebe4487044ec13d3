import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { EncryptionKey } from "../config/load-config.ts";
import { AppError } from "../errors/app-error.ts";
import { openText, sealText, type SealedText } from "../security/sealed-text.ts";

export const MEDIA_LINK_MINUTES = 15;

/**
 * Short-lived links to a decrypted file, for the person allowed to see it
 * (a recruiter opening a CV). The token is 128 random bits in Redis with a
 * 15-minute life; the link names neither the file nor its owner.
 */
export class MediaLinks {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly baseUrl: string;
  /** Exports hold personal data (wallet phones): their bytes are sealed while they wait in Redis. */
  private readonly keys: EncryptionKey[];

  constructor(options: { redis: Redis; prefix: string; baseUrl: string; keys: EncryptionKey[] }) {
    this.redis = options.redis;
    this.keys = options.keys;
    this.prefix = `${options.prefix}:media-link`;
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
  }

  /** A link to a stored file; `ext` ends the link when given (Viber shows a picture only from a .png or .jpeg URL). */
  async issue(mediaId: string, fileName: string, ext?: string): Promise<string> {
    const token = randomBytes(16).toString("base64url");
    await this.redis.set(
      `${this.prefix}:${token}`,
      JSON.stringify({ mediaId, fileName }),
      "EX",
      MEDIA_LINK_MINUTES * 60,
    );
    return `${this.baseUrl}/media/${token}${ext !== undefined && /^[a-z0-9]{1,5}$/.test(ext) ? `.${ext}` : ""}`;
  }

  /**
   * A link to bytes made for one person (a finance export), kept in Redis only for the link's life and sealed with
   * the master key (the token bound into the seal), so no wallet phone rests there in clear.
   */
  async issueBytes(bytes: Buffer, mime: string, fileName: string): Promise<string> {
    const token = randomBytes(16).toString("base64url");
    const key = this.keys[0];
    if (key === undefined) throw new AppError("no_encryption_key", "an export needs ENCRYPTION_KEY");
    await this.redis.set(
      `${this.prefix}:${token}`,
      JSON.stringify({ sealed: sealText(key, bytes.toString("base64"), `export:${token}`), mime, fileName }),
      "EX",
      MEDIA_LINK_MINUTES * 60,
    );
    // The file's extension ends the link: Viber takes a picture only from a URL ending in .png or .jpeg.
    const ext = /\.[a-z0-9]{1,5}$/i.exec(fileName)?.[0]?.toLowerCase() ?? "";
    return `${this.baseUrl}/media/${token}${ext}`;
  }

  async resolve(
    token: string,
  ): Promise<{ mediaId: string; fileName: string } | { bytes: Buffer; mime: string; fileName: string } | null> {
    if (!/^[A-Za-z0-9_-]{22}$/.test(token)) return null;
    const value = await this.redis.get(`${this.prefix}:${token}`);
    if (value === null) return null;
    const parsed = JSON.parse(value) as { mediaId?: unknown; fileName?: unknown; sealed?: SealedText; mime?: unknown };
    if (typeof parsed.fileName !== "string") return null;
    if (parsed.sealed !== undefined && typeof parsed.mime === "string") {
      const bytes = Buffer.from(openText(this.keys, parsed.sealed, `export:${token}`), "base64");
      return { bytes, mime: parsed.mime, fileName: parsed.fileName };
    }
    return typeof parsed.mediaId === "string" ? { mediaId: parsed.mediaId, fileName: parsed.fileName } : null;
  }
}
