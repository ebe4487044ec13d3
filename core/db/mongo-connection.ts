import mongoose, { type Connection } from "mongoose";
import type { Logger } from "../logging/create-logger.ts";
import { AppError } from "../errors/app-error.ts";

export interface MongoSettings {
  uri: string;
  /** Overrides the database named in the URI; tests give each file its own. */
  dbName?: string;
  /** Build indexes automatically when a model is compiled (off in production; see {@link syncIndexes}). */
  autoIndex: boolean;
  logger: Logger;
}

/**
 * Opens a dedicated mongoose connection (never the global default one, so a
 * test can build several apps in one process). Resolves once the server answers.
 */
export async function connectMongo(settings: MongoSettings): Promise<Connection> {
  const connection = mongoose.createConnection(settings.uri, {
    dbName: settings.dbName,
    autoIndex: settings.autoIndex,
    autoCreate: settings.autoIndex,
    serverSelectionTimeoutMS: 10_000,
    // FerretDB and a single-node MongoDB both accept these; writes wait for the primary.
    retryWrites: true,
  });
  connection.on("disconnected", () => settings.logger.warn("mongodb disconnected"));
  connection.on("reconnected", () => settings.logger.info("mongodb reconnected"));
  await connection.asPromise();
  return connection;
}

/** Answers whether the database responds within `timeoutMs`. */
export async function pingMongo(connection: Connection, timeoutMs: number): Promise<void> {
  const db = connection.db;
  if (db === undefined) throw new AppError("mongo_not_connected", "mongodb connection is not open");
  await withTimeout(db.command({ ping: 1 }), timeoutMs, "mongodb ping timed out");
}

export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
