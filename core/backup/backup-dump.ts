import { createReadStream, createWriteStream } from "node:fs";
import { createInterface } from "node:readline";
import { PassThrough, Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import mongoose, { type Connection } from "mongoose";
import type { EncryptionKey } from "../config/load-config.ts";
import { AppError } from "../errors/app-error.ts";
import type { BlobStore } from "../files/blob-store.ts";
import { backupCipher, backupDecipher } from "./backup-crypto.ts";

const { EJSON } = mongoose.mongo.BSON;
const BATCH = 500;

/** What a dump holds, written as its last line and checked by a restore. */
export interface DumpSummary {
  counts: Record<string, number>;
  files: number;
  /** Ledger transactions, and those whose legs do not sum to zero (must be 0). */
  ledger: { transactions: number; unbalanced: number };
}

export interface DumpHeader {
  version: 1;
  createdAt: string;
  database: string;
  /** True when every collection was read at one point in time (a MongoDB snapshot session). */
  snapshot: boolean;
}

type Line =
  | ({ kind: "header" } & DumpHeader)
  | { kind: "doc"; c: string; d: string }
  | { kind: "file"; key: string; b: string }
  | ({ kind: "summary" } & DumpSummary);

/** Legs of a ledger transaction: every transaction must sum to zero. */
function unbalanced(doc: Record<string, unknown>): boolean {
  const postings = Array.isArray(doc.postings) ? (doc.postings as Array<{ amount?: unknown }>) : [];
  return postings.reduce((sum, posting) => sum + Number(posting.amount ?? 0), 0) !== 0;
}

/**
 * A session reading at one snapshot, where the server offers it (MongoDB replica sets do). FerretDB 1.24 accepts
 * the session but reads each query as it is, so it gets none (its `buildInfo` names it).
 */
async function snapshotSession(connection: Connection) {
  const info = (await connection.db?.admin().command({ buildInfo: 1 })) ?? {};
  if ("ferretdbVersion" in info || "ferretdb" in info) return undefined;
  const session = connection.getClient().startSession({ snapshot: true });
  try {
    const first = (await connection.db?.listCollections().toArray())?.[0]?.name;
    if (first !== undefined) await connection.db?.collection(first).find({}, { session }).limit(1).toArray();
    return session;
  } catch {
    await session.endSession();
    return undefined;
  }
}

/**
 * Every collection (Extended JSON, so types survive: dates, binary, numbers) and every file of the encrypted file
 * store (still encrypted), streamed a batch at a time through gzip and AES-256-GCM into `target`. Reads at one
 * snapshot where the server offers it; otherwise each collection as it is while read (money and decisions are
 * insert-once, so a restore never holds half a transaction, and the summary's ledger check says so).
 */
export async function writeDump(input: {
  connection: Connection;
  blobs: BlobStore;
  key: EncryptionKey;
  target: string;
  now: Date;
}): Promise<DumpHeader & DumpSummary> {
  const { connection } = input;
  const db = connection.db;
  if (db === undefined) throw new AppError("backup_failed", "the database connection is not open");
  const session = await snapshotSession(connection);
  const header: DumpHeader = {
    version: 1,
    createdAt: input.now.toISOString(),
    database: db.databaseName,
    snapshot: session !== undefined,
  };
  const summary: DumpSummary = { counts: {}, files: 0, ledger: { transactions: 0, unbalanced: 0 } };
  async function* lines(): AsyncGenerator<string> {
    yield `${JSON.stringify({ kind: "header", ...header } satisfies Line)}\n`;
    const collections = (await db!.listCollections({}, { nameOnly: true }).toArray())
      .map((entry) => entry.name)
      .filter((name) => !name.startsWith("system."))
      .sort();
    for (const name of collections) {
      summary.counts[name] = 0;
      const cursor = db!
        .collection(name)
        .find({}, session === undefined ? {} : { session })
        .batchSize(BATCH);
      for await (const doc of cursor) {
        summary.counts[name] += 1;
        if (name === "ledger_entries") {
          summary.ledger.transactions += 1;
          if (unbalanced(doc)) summary.ledger.unbalanced += 1;
        }
        const line: Line = { kind: "doc", c: name, d: EJSON.stringify(doc, { relaxed: false }) };
        yield `${JSON.stringify(line)}\n`;
      }
    }
    for await (const key of input.blobs.keys()) {
      summary.files += 1;
      const line: Line = { kind: "file", key, b: (await input.blobs.get(key)).toString("base64") };
      yield `${JSON.stringify(line)}\n`;
    }
    yield `${JSON.stringify({ kind: "summary", ...summary } satisfies Line)}\n`;
  }
  const { header: fileHeader, cipher } = backupCipher(input.key);
  const out = createWriteStream(input.target, { mode: 0o600 });
  out.write(fileHeader);
  try {
    await pipeline(Readable.from(lines()), createGzip(), cipher, out, { end: false });
    await new Promise<void>((resolve, reject) =>
      out.end(cipher.getAuthTag(), (error?: Error | null) => (error ? reject(error) : resolve())),
    );
  } finally {
    await session?.endSession();
  }
  return { ...header, ...summary };
}

/** Reads a backup to its end without using it: an altered or truncated file fails here, before anything is written. */
export async function verifyDump(file: string, keys: EncryptionKey[]): Promise<void> {
  const { decipher, start, end } = await backupDecipher(file, keys);
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  try {
    await pipeline(createReadStream(file, { start, end }), decipher, sink);
  } catch (error) {
    throw new AppError("backup_unreadable", "the backup is altered, truncated or made with another key", {
      cause: error,
    });
  }
}

/** The dump's lines, decrypted and inflated. */
async function* readLines(file: string, keys: EncryptionKey[]): AsyncGenerator<Line> {
  const { decipher, start, end } = await backupDecipher(file, keys);
  const text = new PassThrough();
  const done = pipeline(createReadStream(file, { start, end }), decipher, createGunzip(), text);
  for await (const line of createInterface({ input: text, crlfDelay: Infinity })) {
    if (line !== "") yield JSON.parse(line) as Line;
  }
  await done;
}

/**
 * Restores a dump into an empty database and an empty file store, a batch at a time, then checks it against the
 * dump's summary: the same number of documents in each collection, of files, and every ledger transaction balanced.
 */
export async function restoreDump(input: {
  connection: Connection;
  blobs: BlobStore;
  keys: EncryptionKey[];
  file: string;
}): Promise<{ header: DumpHeader; summary: DumpSummary }> {
  const db = input.connection.db;
  if (db === undefined) throw new AppError("backup_failed", "the database connection is not open");
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    if (!name.startsWith("system.") && (await db.collection(name).estimatedDocumentCount()) > 0)
      throw new AppError("restore_not_empty", `the database is not empty (${name} has documents)`);
  }
  for await (const key of input.blobs.keys())
    throw new AppError("restore_not_empty", `the file store is not empty (it holds ${key})`);
  await verifyDump(input.file, input.keys);
  let header: DumpHeader | undefined;
  let summary: DumpSummary | undefined;
  const batches = new Map<string, Record<string, unknown>[]>();
  const flush = async (name: string) => {
    const batch = batches.get(name) ?? [];
    if (batch.length > 0) await db.collection(name).insertMany(batch, { ordered: true });
    batches.set(name, []);
  };
  for await (const line of readLines(input.file, input.keys)) {
    if (line.kind === "header") header = line;
    else if (line.kind === "summary") summary = line;
    else if (line.kind === "doc") {
      const batch = batches.get(line.c) ?? [];
      batch.push(EJSON.parse(line.d, { relaxed: false }) as Record<string, unknown>);
      batches.set(line.c, batch);
      if (batch.length >= BATCH) await flush(line.c);
    } else {
      await input.blobs.put(line.key, Buffer.from(line.b, "base64"));
    }
  }
  for (const name of batches.keys()) await flush(name);
  if (header === undefined || summary === undefined)
    throw new AppError("backup_unreadable", "the backup has no header or no summary (cut short)");
  await checkRestored(input, summary);
  return { header, summary };
}

async function checkRestored(input: { connection: Connection; blobs: BlobStore }, summary: DumpSummary): Promise<void> {
  const db = input.connection.db!;
  const problems: string[] = [];
  for (const [name, count] of Object.entries(summary.counts)) {
    const restored = await db.collection(name).countDocuments();
    if (restored !== count) problems.push(`${name}: ${restored} of ${count}`);
  }
  let files = 0;
  for await (const key of input.blobs.keys()) if (key !== "") files += 1;
  if (files !== summary.files) problems.push(`files: ${files} of ${summary.files}`);
  let unbalancedNow = 0;
  for await (const doc of db.collection("ledger_entries").find({}, { projection: { postings: 1 } }))
    if (unbalanced(doc)) unbalancedNow += 1;
  if (unbalancedNow > 0) problems.push(`ledger: ${unbalancedNow} unbalanced transaction(s)`);
  if (problems.length > 0)
    throw new AppError("restore_mismatch", `the restore does not match the backup: ${problems.join("; ")}`, {
      details: { problems },
    });
}
