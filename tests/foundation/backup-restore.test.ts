import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import mongoose, { type Connection } from "mongoose";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createFileFetcher } from "../../bots/channels/file-fetchers.ts";
import { BackupService } from "../../core/backup/backup-service.ts";
import { FsBlobStore, S3BlobStore, type BlobStore } from "../../core/files/blob-store.ts";
import type { Config } from "../../core/config/load-config.ts";
import { seedDemoCatalog } from "../../core/demo/seed-catalog.ts";
import { BACKUP_QUEUE } from "../../jobs/backups/backup-job.ts";
import { attachWorkers } from "../../jobs/runtime/create-runtime.ts";
import { samplePng } from "../../webhooks/sandbox-page/sample-images.ts";
import { signedCallback } from "../../webhooks/sandbox-gateway/signed-callbacks.ts";
import { FakeS3 } from "../fakes/fake-s3.ts";
import { hireAt } from "../helpers/billing.ts";
import { seedUsers } from "../helpers/seed-users.ts";
import { buildTestApp, TEST_ENCRYPTION_KEY, testConfig, uniqueName, type TestApp } from "../helpers/test-runtime.ts";

/**
 * A backup of a seeded database and file store, the database wiped, the backup restored: every document and file
 * comes back as it was, the ledger still balances. The backup is encrypted (nothing personal readable in it), an
 * altered one is refused before anything is written, a non-empty database is refused, the S3 store keeps the newest
 * BACKUP_RETENTION, and the worker schedules it daily at 01:00 Yangon.
 */
const run = promisify(execFile);
const { EJSON } = mongoose.mongo.BSON;
let t: TestApp;
let work: string;

/** Every collection's documents, as Extended JSON sorted by _id (types kept: dates, numbers, binary). */
async function snapshot(connection: Connection): Promise<Record<string, string[]>> {
  const db = connection.db!;
  const result: Record<string, string[]> = {};
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    const docs = await db.collection(name).find({}).toArray();
    if (docs.length > 0) result[name] = docs.map((doc) => EJSON.stringify(doc, { relaxed: false })).sort();
  }
  return result;
}

async function filesOf(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of await readdir(dir, { recursive: true, withFileTypes: true }))
    if (name.isFile()) {
      const full = path.join(name.parentPath, name.name);
      out[path.relative(dir, full)] = (await readFile(full)).toString("base64");
    }
  return out;
}

async function freshDatabase(): Promise<Connection> {
  return mongoose.createConnection(inject("mongoUri"), { dbName: uniqueName("restore") }).asPromise();
}

/** A backup service over `connection`, with the file store in `storageDir` (or the blobs given). */
function backups(
  connection: Connection,
  storage: string | BlobStore,
  overrides: Partial<Config["backup"]> = {},
  now?: () => Date,
): BackupService {
  return new BackupService({
    connection,
    blobs: typeof storage === "string" ? new FsBlobStore(path.join(storage, "media")) : storage,
    config: {
      backup: { dir: path.join(work, "backups"), retention: 30, s3: undefined, schedule: "worker", ...overrides },
      encryptionKeys: t.runtime.config.encryptionKeys,
    },
    ...(now === undefined ? {} : { now }),
  });
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "trm-backup-test-"));
  t = await buildTestApp({
    config: testConfig({
      REWARDS_RELEASE: "invoice",
      PUBLIC_URL: "https://trm.example",
      BACKUP_DIR: path.join(work, "backups"),
    }),
  });
  await seedDemoCatalog(t.runtime.mongo, new Date());
  await t.core.catalog.refresh();
  await seedUsers(t.runtime.mongo, { count: 40, idPrefix: "BK", tgBase: 7_300_000 });
  // Money moved (a paid invoice releases rewards into the ledger) and a file in the encrypted store.
  const invoice = await hireAt(t, "wavepay");
  await hireAt(t, "wavepay");
  const paid = await t.app.inject({
    method: "POST",
    url: "/webhooks/wavepay",
    headers: { "content-type": "application/json" },
    payload: signedCallback("wavepay", invoice, "paid", t.runtime.config.gateways),
  });
  expect(paid.statusCode).toBe(200);
  const ref = "backup-photo";
  await t.runtime.redis.set(`${t.runtime.config.redis.prefix}:sandbox:file:${ref}`, samplePng(600, 600), "EX", 600);
  const media = await t.core.media.vault.register({
    ownerId: "UBK000001",
    purpose: "kyc",
    transport: "sandbox",
    fileRef: `sandbox:${ref}`,
    rejectNotice: { en: "x", my: "x" },
  });
  await t.core.media.vault.ingest(media, createFileFetcher(t.runtime.config, t.runtime.redis));
});
afterAll(async () => {
  await t.close();
  await rm(work, { recursive: true, force: true });
});

describe("backup and restore", () => {
  it("backs up, wipes, restores: every document and file as it was; encrypted; the ledger balances", async () => {
    const before = await snapshot(t.runtime.mongo);
    const filesBefore = await filesOf(t.runtime.config.storageDir);
    expect(Object.keys(filesBefore).length).toBeGreaterThan(0);
    expect(before.ledger_entries?.length).toBeGreaterThan(0);
    const report = await t.core.backups.run();
    expect(report.counts.users).toBe(before.users?.length);
    expect(report.files).toBe(Object.keys(filesBefore).length);
    expect(report.ledger).toEqual({ transactions: before.ledger_entries?.length, unbalanced: 0 });
    const file = path.join(work, "backups", report.name);
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 8).toString()).toBe("TRMBAK1\n");
    // Nothing personal in clear: names, phones and ids of the seeded people are not in the file.
    for (const secret of ["UBK000001", "Seeded", "+9597", "Candidate"]) expect(bytes.includes(secret)).toBe(false);

    // Wipe the database and the file store, then restore into them.
    await t.runtime.mongo.db!.dropDatabase();
    await rm(t.runtime.config.storageDir, { recursive: true, force: true });
    const restored = await backups(t.runtime.mongo, t.runtime.config.storageDir).restore(report.name);
    expect(restored.summary.counts).toEqual(report.counts);
    expect(await snapshot(t.runtime.mongo)).toEqual(before);
    expect(await filesOf(t.runtime.config.storageDir)).toEqual(filesBefore);
    // The wallet reads the restored ledger as before.
    const someone = JSON.parse(before.ledger_entries?.[0] ?? "{}") as { owner?: string };
    expect(someone.owner).toMatch(/^user:/);
  });

  it("refuses a non-empty database and an altered backup, writing nothing", async () => {
    const report = await t.core.backups.run();
    const into = await freshDatabase();
    const storage = path.join(work, uniqueName("storage"));
    try {
      const service = backups(into, storage);
      const file = path.join(work, "backups", report.name);
      const altered = path.join(work, "altered.bak");
      const bytes = Buffer.from(readFileSync(file));
      bytes[Math.floor(bytes.length / 2)] = (bytes[Math.floor(bytes.length / 2)] ?? 0) ^ 0xff;
      await writeFile(altered, bytes);
      await expect(service.restore(altered)).rejects.toMatchObject({ code: "backup_unreadable" });
      expect(await into.db!.listCollections().toArray()).toEqual([]);
      await into.db!.collection("users").insertOne({ _id: "UNOTEMPTY" } as never);
      await expect(service.restore(file)).rejects.toMatchObject({ code: "restore_not_empty" });
      expect(await into.db!.collection("users").countDocuments()).toBe(1);
    } finally {
      await into.dropDatabase();
      await into.close();
    }
  });

  it("an S3-compatible bucket: signed requests, the newest kept, a restore from it into a fresh database", async () => {
    const s3 = await new FakeS3({ bucket: "trm-backups", accessKeyId: "AKIATEST", secretAccessKey: "s3cret" }).start();
    const settings = {
      endpoint: s3.url,
      bucket: "trm-backups",
      region: "ap-southeast-1",
      prefix: "daily/",
      accessKeyId: "AKIATEST",
      secretAccessKey: "s3cret",
    };
    const into = await freshDatabase();
    try {
      let day = Date.UTC(2026, 10, 1, 18, 30);
      const service = backups(t.runtime.mongo, t.runtime.config.storageDir, { s3: settings, retention: 2 }, () => {
        day += 24 * 3600_000;
        return new Date(day);
      });
      const names = [];
      for (let i = 0; i < 3; i++) names.push((await service.run()).name);
      expect([...s3.objects.keys()]).toEqual([`daily/${names[1]}`, `daily/${names[2]}`]);
      expect(await service.list()).toEqual(names.slice(1));
      // Restored into a fresh database whose files live in the bucket too (FILES_S3_*).
      const bucketFiles = new S3BlobStore({ ...settings, prefix: "files/" });
      const restore = backups(into, bucketFiles, { s3: settings });
      const { summary } = await restore.restore(names[2] ?? "");
      expect(summary.counts.users).toBe(await t.runtime.mongo.db!.collection("users").countDocuments());
      expect([...s3.objects.keys()].filter((key) => key.startsWith("files/"))).toHaveLength(summary.files);
      // A backup of that database reads its files from the bucket.
      expect((await backups(into, bucketFiles, { s3: settings, retention: 10 }).run()).files).toBe(summary.files);
      await expect(restore.restore("trm-backup-20200101T000000Z.bak")).rejects.toMatchObject({
        code: "backup_not_found",
      });
      const wrongSecret = backups(t.runtime.mongo, t.runtime.config.storageDir, {
        s3: { ...settings, secretAccessKey: "guessed" },
      });
      await expect(wrongSecret.run()).rejects.toMatchObject({ code: "storage_unavailable" });
      expect(s3.requests.filter((request) => request.status === 403)).toHaveLength(1);
    } finally {
      await into.dropDatabase();
      await into.close();
      await s3.stop();
    }
  });

  it("npm run backup and npm run restore, as an operator runs them", async () => {
    const uri = inject("mongoUri").replace(/\/?$/, "/");
    const env = {
      ...process.env,
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      REDIS_URL: inject("redisUrl"),
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      STORAGE_DIR: t.runtime.config.storageDir,
      BACKUP_DIR: path.join(work, "cli-backups"),
    };
    const backup = await run(process.execPath, ["webhooks/backup-cli.ts", "backup"], {
      env: { ...env, MONGODB_URI: `${uri}${t.runtime.mongo.name}` },
    });
    const name = /Backup (trm-backup-\S+\.bak) written/.exec(backup.stdout)?.[1] ?? "";
    expect(backup.stdout).toMatch(/documents, 1 files, [\d.]+ KiB in [\d.]+ s; 0 older backup\(s\) removed\./);
    const listed = await run(process.execPath, ["webhooks/backup-cli.ts", "--list"], {
      env: { ...env, MONGODB_URI: `${uri}${t.runtime.mongo.name}` },
    });
    expect(listed.stdout.trim()).toBe(name);
    const target = uniqueName("cli_restore");
    const restore = await run(process.execPath, ["webhooks/backup-cli.ts", "restore", name], {
      env: { ...env, MONGODB_URI: `${uri}${target}`, STORAGE_DIR: path.join(work, "cli-storage") },
    });
    expect(restore.stdout).toMatch(
      /^Restored the backup of .*: \d+ documents in \d+ collections, 1 files; counts match/,
    );
    const again = await run(process.execPath, ["webhooks/backup-cli.ts", "restore", name], {
      env: { ...env, MONGODB_URI: `${uri}${target}`, STORAGE_DIR: path.join(work, "cli-storage-2") },
    }).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^restore_not_empty: the database is not empty/m);
    const connection = await mongoose.createConnection(uri, { dbName: target }).asPromise();
    await connection.dropDatabase();
    await connection.close();
  });

  it("the worker schedules the backup daily at 01:00 Yangon", async () => {
    attachWorkers(t.runtime, t.core);
    const queue = t.runtime.queues.get(BACKUP_QUEUE);
    let scheduler = await queue.getJobScheduler("backup-daily");
    for (let i = 0; i < 50 && scheduler === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      scheduler = await queue.getJobScheduler("backup-daily");
    }
    expect(scheduler).toMatchObject({ pattern: "0 1 * * *", tz: "Asia/Yangon" });
    // The next run is at 18:30 UTC (01:00 Yangon).
    expect(new Date(Number(scheduler?.next)).toISOString()).toMatch(/T18:30:00\.000Z$/);
    // A deployment whose platform cron runs the backup (BACKUP_SCHEDULE=external) removes the worker's schedule.
    const external = {
      ...t.runtime,
      config: { ...t.runtime.config, backup: { ...t.runtime.config.backup, schedule: "external" as const } },
    };
    attachWorkers(external, t.core);
    for (let i = 0; i < 50 && (await queue.getJobScheduler("backup-daily")) !== undefined; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await queue.getJobScheduler("backup-daily")).toBeUndefined();
  });
});

describe("files in an S3-compatible bucket (FILES_S3_*)", () => {
  it("the vault keeps encrypted files in the bucket and reads them back, so several machines share them", async () => {
    const s3 = await new FakeS3({ bucket: "trm-files", accessKeyId: "AKIAFILES", secretAccessKey: "f1les" }).start();
    const app = await buildTestApp({
      config: testConfig({
        FILES_S3_ENDPOINT: s3.url,
        FILES_S3_BUCKET: "trm-files",
        FILES_S3_ACCESS_KEY_ID: "AKIAFILES",
        FILES_S3_SECRET_ACCESS_KEY: "f1les",
      }),
    });
    try {
      const photo = samplePng(520, 520);
      const ref = "bucket-photo";
      await app.runtime.redis.set(`${app.runtime.config.redis.prefix}:sandbox:file:${ref}`, photo, "EX", 600);
      const id = await app.core.media.vault.register({
        ownerId: "UBUCKET1",
        purpose: "kyc",
        transport: "sandbox",
        fileRef: `sandbox:${ref}`,
        rejectNotice: { en: "x", my: "x" },
      });
      await app.core.media.vault.ingest(id, createFileFetcher(app.runtime.config, app.runtime.redis));
      const stored = [...s3.objects.entries()].filter(([key]) => key.startsWith("files/"));
      expect(stored).toHaveLength(1);
      expect(stored[0]?.[1].includes(photo.subarray(0, 64))).toBe(false);
      expect((await app.core.media.vault.read(id)).bytes.equals(photo)).toBe(true);
    } finally {
      await app.close();
      await s3.stop();
    }
  });
});
