import { copyFile, mkdir, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { AppError } from "../errors/app-error.ts";
import { S3Bucket, type S3Settings } from "../files/s3-bucket.ts";

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

/** Backups in an S3-compatible bucket, under the settings' prefix. */
export class S3Store implements BackupStore {
  readonly where: string;
  private readonly bucket: S3Bucket;

  constructor(s3: S3Settings) {
    this.bucket = new S3Bucket(s3);
    this.where = this.bucket.where;
  }

  put(name: string, file: string): Promise<void> {
    return this.bucket.putFile(name, file);
  }

  async get(name: string, file: string): Promise<void> {
    try {
      await this.bucket.getToFile(name, file);
    } catch (error) {
      if (error instanceof AppError && error.code === "storage_not_found")
        throw new AppError("backup_not_found", `no backup ${name} in ${this.where}`);
      throw error;
    }
  }

  async list(): Promise<string[]> {
    const names: string[] = [];
    for await (const key of this.bucket.keys()) if (BACKUP_NAME.test(key)) names.push(key);
    return names.sort();
  }

  remove(name: string): Promise<void> {
    return this.bucket.delete(name);
  }
}
