/**
 * `npm run backup`: one encrypted, compressed backup of the database and the file store, to BACKUP_DIR or the
 * S3-compatible bucket, keeping the newest BACKUP_RETENTION. `npm run restore <name or file>`: restores one into an
 * empty database and file store and checks it. `npm run backup -- --list`: the backups kept. Against MONGODB_URI, or
 * the local FerretDB in .data (started and stopped here; stop `npm start` first).
 */
import path from "node:path";
import { BackupService } from "../core/backup/backup-service.ts";
import { fileStore } from "../core/files/blob-store.ts";
import { isAppError } from "../core/errors/app-error.ts";
import { loadConfig } from "../core/config/load-config.ts";
import { connectMongo } from "../core/db/mongo-connection.ts";
import { registerModels } from "../core/db/register-models.ts";
import { syncIndexes } from "../core/db/sync-indexes.ts";
import { createLogger } from "../core/logging/create-logger.ts";

const args = process.argv.slice(2);
const [command = "backup", target] = args.includes("--list") ? ["list"] : args;
const dataDir = path.resolve(process.env.TRM_DATA_DIR ?? ".data");
const env = { ...process.env };
// Local mode (no MONGODB_URI): the local platform's FerretDB, key and file store, as `npm start` sets them. Loaded
// only then: the production image has no infra/local.
const local = (env.MONGODB_URI ?? "") === "";
const { localEncryptionKey } = local
  ? await import("../infra/local/local-encryption-key.ts")
  : { localEncryptionKey: null };
if (local && localEncryptionKey !== null) {
  env.ENCRYPTION_KEY ||= localEncryptionKey(dataDir);
  env.STORAGE_DIR ||= path.join(dataDir, "storage");
  env.BACKUP_DIR ||= path.join(dataDir, "backups");
}
const config = loadConfig(env);
const logger = createLogger({ level: "error", pretty: false });
const say = (text: string) => process.stdout.write(`${text}\n`);

if (command === "restore" && (target ?? "") === "") {
  process.stderr.write("Usage: npm run restore <backup name or file>   (npm run backup -- --list shows the names)\n");
  process.exit(64);
}
const services = local
  ? await (
      await import("../infra/local/local-services.ts")
    ).startLocalServices({
      dataDir,
      durable: true,
      mongoUri: config.mongo.uri,
      redisUrl: config.redis.url,
    })
  : { mongoUri: config.mongo.uri ?? "", stop: () => Promise.resolve() };
let status = 0;
try {
  const mongo = registerModels(await connectMongo({ uri: services.mongoUri, autoIndex: false, logger }));
  const backups = new BackupService({ connection: mongo, blobs: fileStore(config), config, logger });
  if (command === "list") {
    const names = await backups.list();
    say(names.length === 0 ? "No backups yet." : names.join("\n"));
  } else if (command === "restore") {
    const { header, summary } = await backups.restore(target ?? "");
    await syncIndexes(mongo, logger);
    const documents = Object.values(summary.counts).reduce((total, count) => total + count, 0);
    say(
      `Restored the backup of ${header.createdAt}: ${documents} documents in ${Object.keys(summary.counts).length} ` +
        `collections, ${summary.files} files; counts match, ` +
        `${summary.ledger.transactions} ledger transactions balanced.`,
    );
  } else {
    const report = await backups.run();
    const documents = Object.values(report.counts).reduce((total, count) => total + count, 0);
    say(
      `Backup ${report.name} written to ${report.where}: ${documents} documents, ${report.files} files, ` +
        `${(report.bytes / 1024).toFixed(1)} KiB in ${report.seconds.toFixed(1)} s` +
        `${report.snapshot ? " (one snapshot)" : ""}; ${report.removed.length} older backup(s) removed.`,
    );
  }
  await mongo.close();
} catch (error) {
  process.stderr.write(`${isAppError(error) ? `${error.code}: ${error.message}` : String(error)}\n`);
  status = 1;
} finally {
  await services.stop();
}
process.exit(status);
