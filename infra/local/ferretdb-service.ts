import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import mongoose from "mongoose";
import { startChildService, waitUntilAnswers, type ChildService } from "./child-service.ts";
import { AppError } from "../../core/errors/app-error.ts";
import { privateDir } from "./private-dir.ts";

export const FERRETDB_VERSION = "v1.24.2";

/** The cached FerretDB binary, built on first use by build-ferretdb.sh (FERRETDB_BIN overrides). */
export function ensureFerretDb(): string {
  const given = process.env.FERRETDB_BIN;
  if (given !== undefined && given !== "") {
    if (!existsSync(given))
      throw new AppError("local_service_failed", `FERRETDB_BIN points to ${given}, which does not exist`);
    return given;
  }
  const script = path.join(import.meta.dirname, "build-ferretdb.sh");
  return execFileSync("bash", [script], { stdio: ["ignore", "pipe", "inherit"] })
    .toString()
    .trim();
}

export interface RunningFerretDb {
  uri: string;
  port: number;
  dataDir: string;
  service: ChildService;
}

/**
 * Runs FerretDB with the SQLite backend on 127.0.0.1:`port`, data in `dataDir`.
 * Telemetry off, no debug listener (its default port 8088 would collide
 * between two instances), so it never reaches outside this machine.
 */
export async function startFerretDb(options: { dataDir: string; port: number }): Promise<RunningFerretDb> {
  const binary = ensureFerretDb();
  privateDir(options.dataDir);
  const logFile = path.join(options.dataDir, "ferretdb.log");
  const service = startChildService(
    "ferretdb",
    binary,
    [
      "--handler=sqlite",
      // WAL (FerretDB default) + synchronous=normal: no fsync per commit, still crash-safe for the process.
      `--sqlite-url=file:${options.dataDir}/?_pragma=synchronous(normal)`,
      `--state-dir=${options.dataDir}`,
      `--listen-addr=127.0.0.1:${options.port}`,
      "--debug-addr=-",
      "--telemetry=disable",
      "--log-level=error",
    ],
    { logFile, env: { ...process.env, DO_NOT_TRACK: "1" } },
  );
  const uri = `mongodb://127.0.0.1:${options.port}/`;
  await waitUntilAnswers(
    service,
    async () => {
      const connection = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 500, autoCreate: false });
      try {
        await connection.asPromise();
        await connection.db?.command({ ping: 1 });
      } finally {
        await connection.close().catch(() => undefined);
      }
    },
    30_000,
    logFile,
  );
  return { uri, port: options.port, dataDir: options.dataDir, service };
}
