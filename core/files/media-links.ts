import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";

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

  constructor(options: { redis: Redis; prefix: string; baseUrl: string }) {
    this.redis = options.redis;
    this.prefix = `${options.prefix}:media-link`;
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
  }

  async issue(mediaId: string, fileName: string): Promise<string> {
    const token = randomBytes(16).toString("base64url");
    await this.redis.set(
      `${this.prefix}:${token}`,
      JSON.stringify({ mediaId, fileName }),
      "EX",
      MEDIA_LINK_MINUTES * 60,
    );
    return `${this.baseUrl}/media/${token}`;
  }

  /** A link to bytes made for one person (a finance export), kept in Redis only for the link's life. */
  async issueBytes(bytes: Buffer, mime: string, fileName: string): Promise<string> {
    const token = randomBytes(16).toString("base64url");
    await this.redis.set(
      `${this.prefix}:${token}`,
      JSON.stringify({ inline: bytes.toString("base64"), mime, fileName }),
      "EX",
      MEDIA_LINK_MINUTES * 60,
    );
    return `${this.baseUrl}/media/${token}`;
  }

  async resolve(
    token: string,
  ): Promise<{ mediaId: string; fileName: string } | { bytes: Buffer; mime: string; fileName: string } | null> {
    if (!/^[A-Za-z0-9_-]{22}$/.test(token)) return null;
    const value = await this.redis.get(`${this.prefix}:${token}`);
    if (value === null) return null;
    const parsed = JSON.parse(value) as { mediaId?: unknown; fileName?: unknown; inline?: unknown; mime?: unknown };
    if (typeof parsed.fileName !== "string") return null;
    if (typeof parsed.inline === "string" && typeof parsed.mime === "string")
      return { bytes: Buffer.from(parsed.inline, "base64"), mime: parsed.mime, fileName: parsed.fileName };
    return typeof parsed.mediaId === "string" ? { mediaId: parsed.mediaId, fileName: parsed.fileName } : null;
  }
}
