import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Connection } from "mongoose";
import type { Config } from "../config/load-config.ts";
import { AppError } from "../errors/app-error.ts";
import type { BlobStore } from "../files/blob-store.ts";
import type { Logger } from "../logging/create-logger.ts";
import { restoreDump, writeDump, type DumpHeader, type DumpSummary } from "./backup-dump.ts";
import { backupName, FolderStore, S3Store, type BackupStore } from "./backup-store.ts";

export interface BackupReport extends DumpHeader, DumpSummary {
  name: string;
  where: string;
  bytes: number;
  seconds: number;
  /** Older backups removed to keep the newest `retention`. */
  removed: string[];
}

/** The store the configuration names: the S3-compatible bucket when set, else the folder. */
export function backupStore(config: Config["backup"]): BackupStore {
  return config.s3 === undefined ? new FolderStore(config.dir) : new S3Store(config.s3);
}

/**
 * Backs up the database and the encrypted file store (`npm run backup`, and the worker's daily job at 01:00 Yangon),
 * keeps the newest `retention` backups, and restores one into an empty database (`npm run restore`).
 */
export class BackupService {
  private readonly connection: Connection;
  private readonly config: Pick<Config, "backup" | "encryptionKeys">;
  private readonly blobs: BlobStore;
  private readonly store: BackupStore;
  private readonly now: () => Date;
  private readonly logger: Logger | undefined;

  constructor(deps: {
    connection: Connection;
    /** The encrypted file store (a folder or a bucket), backed up with the database. */
    blobs: BlobStore;
    config: Pick<Config, "backup" | "encryptionKeys">;
    now?: () => Date;
    logger?: Logger;
  }) {
    this.connection = deps.connection;
    this.config = deps.config;
    this.blobs = deps.blobs;
    this.store = backupStore(deps.config.backup);
    this.now = deps.now ?? (() => new Date());
    this.logger = deps.logger;
  }

  async run(): Promise<BackupReport> {
    const key = this.config.encryptionKeys.at(-1);
    if (key === undefined)
      throw new AppError("backup_failed", "a backup needs ENCRYPTION_KEY (it is encrypted with it)");
    const started = Date.now();
    const now = this.now();
    const name = backupName(now);
    const work = await mkdtemp(path.join(tmpdir(), "trm-backup-"));
    try {
      const file = path.join(work, name);
      const dump = await writeDump({
        connection: this.connection,
        blobs: this.blobs,
        key,
        target: file,
        now,
      });
      const { size } = await stat(file);
      await this.store.put(name, file);
      const removed = await this.prune();
      const report = {
        ...dump,
        name,
        where: this.store.where,
        bytes: size,
        seconds: (Date.now() - started) / 1000,
        removed,
      };
      this.logger?.info(
        { name, where: report.where, bytes: size, documents: Object.values(dump.counts).reduce((a, b) => a + b, 0) },
        "backup written",
      );
      return report;
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  /** Removes all but the newest `retention` backups; returns what it removed. */
  async prune(): Promise<string[]> {
    const names = await this.store.list();
    const removed = names.slice(0, Math.max(0, names.length - this.config.backup.retention));
    for (const name of removed) await this.store.remove(name);
    return removed;
  }

  list(): Promise<string[]> {
    return this.store.list();
  }

  /** Restores a backup (a name in the store, or a path to a local file) into this empty database and file store. */
  async restore(nameOrFile: string): Promise<{ header: DumpHeader; summary: DumpSummary }> {
    const local = await stat(nameOrFile).catch(() => null);
    if (local?.isFile() === true)
      return restoreDump({
        connection: this.connection,
        blobs: this.blobs,
        keys: this.config.encryptionKeys,
        file: nameOrFile,
      });
    const work = await mkdtemp(path.join(tmpdir(), "trm-restore-"));
    try {
      const file = path.join(work, path.basename(nameOrFile));
      await this.store.get(path.basename(nameOrFile), file);
      return await restoreDump({
        connection: this.connection,
        blobs: this.blobs,
        keys: this.config.encryptionKeys,
        file,
      });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
}
