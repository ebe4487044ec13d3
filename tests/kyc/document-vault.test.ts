import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFileFetcher } from "../../bots/channels/file-fetchers.ts";
import { MediaVault } from "../../core/files/media-vault.ts";
import type { EncryptionKey } from "../../core/config/load-config.ts";
import { FakeViberApi } from "../fakes/fake-viber-api.ts";
import { VB_TOKEN } from "../helpers/channel-env.ts";
import { samplePng } from "../../webhooks/sandbox-page/sample-images.ts";
import { buildTestApp, type TestApp } from "../helpers/test-runtime.ts";

let t: TestApp;
let viber: FakeViberApi;
let n = 0;
const notice = { en: "send again", my: "ထပ်ပို့ပါ" };
const fetcher = () => createFileFetcher(t.runtime.config, t.runtime.redis);

/** A file "sent" in the sandbox: bytes in Redis, as the sandbox page stores them. */
async function sandboxFile(bytes: Buffer): Promise<string> {
  const id = `vault-test-${++n}`;
  await t.runtime.redis.set(`${t.runtime.config.redis.prefix}:sandbox:file:${id}`, bytes, "EX", 600);
  return `sandbox:${id}`;
}

async function ingest(
  vault: MediaVault,
  bytes: Buffer | string,
  purpose: "kyc" | "cv" = "kyc",
  transport: "sandbox" | "viber" = "sandbox",
) {
  const fileRef = typeof bytes === "string" ? bytes : await sandboxFile(bytes);
  const id = await vault.register({ ownerId: "UVAULT22", purpose, transport, fileRef, rejectNotice: notice });
  return vault.ingest(id, fetcher());
}

const key = (id: string, fill: number): EncryptionKey => ({ id, key: Buffer.alloc(32, fill) });

beforeAll(async () => {
  t = await buildTestApp();
  viber = await new FakeViberApi(VB_TOKEN).start();
});
afterAll(async () => {
  await t.close();
  await viber.stop();
});

describe("encrypted document intake", () => {
  it(
    "stores a document encrypted (a fresh data key per file, wrapped " +
      "by the newest master key), records its hash, and reads it back",
    async () => {
      const vault = new MediaVault({
        connection: t.runtime.mongo,
        keys: [key("k1", 1)],
        storageDir: t.runtime.config.storageDir,
      });
      const photo = samplePng(800, 600);
      const stored = await ingest(vault, photo);
      expect(stored).toMatchObject({ status: "stored", mime: "image/png", keyId: "k1", size: photo.length });
      expect(stored.sha256).toMatch(/^[0-9a-f]{64}$/);
      const onDisk = await readFile(path.join(t.runtime.config.storageDir, "media", stored._id));
      expect(onDisk.includes(photo.subarray(0, 64))).toBe(false);
      expect(onDisk.includes(photo.subarray(photo.length - 64))).toBe(false);
      expect((await vault.read(stored._id)).bytes.equals(photo)).toBe(true);
      // Nothing else was written: no plaintext temp file next to it.
      expect(
        (await readdir(path.join(t.runtime.config.storageDir, "media"))).filter((name) => name.endsWith(".tmp")),
      ).toEqual([]);
      // Two files never share a data key: the same bytes encrypt differently.
      const again = await ingest(vault, photo);
      expect(again.wrappedKey).not.toBe(stored.wrappedKey);
      expect((await readFile(path.join(t.runtime.config.storageDir, "media", again._id))).equals(onDisk)).toBe(false);
    },
  );

  it("keeps old files readable after a key rotation, and encrypts new ones with the newest key", async () => {
    const before = new MediaVault({
      connection: t.runtime.mongo,
      keys: [key("k1", 1)],
      storageDir: t.runtime.config.storageDir,
    });
    const old = await ingest(before, samplePng(500, 500));
    const rotated = new MediaVault({
      connection: t.runtime.mongo,
      keys: [key("k1", 1), key("k2", 2)],
      storageDir: t.runtime.config.storageDir,
    });
    expect((await rotated.read(old._id)).bytes.equals(samplePng(500, 500))).toBe(true);
    const fresh = await ingest(rotated, samplePng(600, 500));
    expect(fresh.keyId).toBe("k2");
    const withoutOld = new MediaVault({
      connection: t.runtime.mongo,
      keys: [key("k2", 2)],
      storageDir: t.runtime.config.storageDir,
    });
    await expect(withoutOld.read(old._id)).rejects.toMatchObject({ code: "media_key_missing" });
  });

  it(
    "refuses a file whose name lies about its bytes, an image " +
      "too small to read, an oversize file, and a CV type for KYC",
    async () => {
      const vault = new MediaVault({
        connection: t.runtime.mongo,
        keys: [key("k1", 1)],
        storageDir: t.runtime.config.storageDir,
      });
      expect(await ingest(vault, Buffer.from("MZ\x90\x00 not a photo at all, whatever the name says"))).toMatchObject({
        status: "rejected",
        rejectReason: "file_type_refused",
      });
      expect(await ingest(vault, samplePng(120, 90))).toMatchObject({
        status: "rejected",
        rejectReason: "image_too_small",
      });
      expect(await ingest(vault, Buffer.alloc(10 * 1024 * 1024 + 1, 1))).toMatchObject({
        status: "rejected",
        rejectReason: "file_too_large",
      });
      const docx = Buffer.concat([Buffer.from("PK\x03\x04"), Buffer.alloc(200)]);
      expect((await ingest(vault, docx)).status).toBe("rejected");
      // The PDF scan of a card is fine.
      expect(await ingest(vault, Buffer.from("%PDF-1.4\n% scan\n%%EOF\n"))).toMatchObject({
        status: "stored",
        mime: "application/pdf",
      });
    },
  );

  it(
    "an expired Viber media URL is refused as expired (its " + "owner is asked to send it again), a live one is stored",
    async () => {
      const vault = new MediaVault({
        connection: t.runtime.mongo,
        keys: [key("k1", 1)],
        storageDir: t.runtime.config.storageDir,
      });
      expect(await ingest(vault, viber.mediaUrl("gone", "expired"), "kyc", "viber")).toMatchObject({
        status: "rejected",
        rejectReason: "file_expired",
        rejectNotice: notice,
      });
      expect(await ingest(vault, viber.mediaUrl("live", samplePng(640, 480)), "kyc", "viber")).toMatchObject({
        status: "stored",
      });
    },
  );

  it("erases a document's bytes and keeps the record", async () => {
    const vault = new MediaVault({
      connection: t.runtime.mongo,
      keys: [key("k1", 1)],
      storageDir: t.runtime.config.storageDir,
    });
    const stored = await ingest(vault, samplePng(500, 500));
    await vault.erase(stored._id);
    await vault.erase(stored._id);
    expect(await vault.find(stored._id)).toMatchObject({ status: "deleted", wrappedKey: null });
    await expect(readFile(path.join(t.runtime.config.storageDir, "media", stored._id))).rejects.toMatchObject({
      code: "ENOENT",
    });
  });
});
