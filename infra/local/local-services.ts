import path from "node:path";
import getPort from "get-port";
import { startFerretDb, FERRETDB_VERSION } from "./ferretdb-service.ts";
import { startRedis } from "./redis-service.ts";
import { supervise, type Supervised } from "./supervisor.ts";

export interface LocalServices {
  mongoUri: string;
  redisUrl: string;
  /** Stops what this call started (nothing when both URLs came from the environment). Safe to call twice. */
  stop(): Promise<void>;
  /** The services started here, with the process running each now (for supervision tests and diagnostics). */
  started(): Array<{ name: string; pid: number | undefined }>;
}

export interface LocalServicesOptions {
  /** Folder for the services' data and logs (`.data` in local mode, a temporary folder in tests). */
  dataDir: string;
  /** Local mode keeps Redis data on disk (AOF); tests do not. */
  durable: boolean;
  mongoUri?: string | undefined;
  redisUrl?: string | undefined;
  /** One line per service; defaults to stderr. */
  say?: (line: string) => void;
}

/**
 * Uses MONGODB_URI / REDIS_URL when given (nothing is started), otherwise
 * starts FerretDB and redis-server on free loopback ports and waits until
 * each answers.
 */
export async function startLocalServices(options: LocalServicesOptions): Promise<LocalServices> {
  const say = options.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  const stops: Array<() => Promise<void>> = [];
  const supervised: Supervised[] = [];
  const stop = async () => {
    while (stops.length > 0) await stops.pop()?.();
  };
  try {
    let mongoUri = options.mongoUri;
    if (mongoUri === undefined) {
      const dataDir = path.join(options.dataDir, "ferretdb");
      const port = await getPort({ host: "127.0.0.1" });
      const ferret = await startFerretDb({ dataDir, port });
      const kept = supervise(
        "FerretDB",
        ferret.service,
        async () => (await startFerretDb({ dataDir, port })).service,
        say,
      );
      supervised.push(kept);
      stops.push(() => kept.stop());
      mongoUri = ferret.uri;
      say(`[services] FerretDB ${FERRETDB_VERSION} (SQLite) ready at ${ferret.uri}, data in ${dataDir}`);
    } else {
      say("[services] MongoDB: using MONGODB_URI, nothing started");
    }
    let redisUrl = options.redisUrl;
    if (redisUrl === undefined) {
      const dataDir = path.join(options.dataDir, "redis");
      const port = await getPort({ host: "127.0.0.1" });
      const durable = options.durable;
      const redis = await startRedis({ dataDir, port, durable });
      const kept = supervise(
        "Redis",
        redis.service,
        async () => (await startRedis({ dataDir, port, durable })).service,
        say,
      );
      supervised.push(kept);
      stops.push(() => kept.stop());
      redisUrl = redis.url;
      say(`[services] Redis ready at ${redis.url}${options.durable ? " (AOF on)" : ""}, data in ${dataDir}`);
    } else {
      say("[services] Redis: using REDIS_URL, nothing started");
    }
    let stopping: Promise<void> | undefined;
    return {
      mongoUri,
      redisUrl,
      stop: () => (stopping ??= stop()),
      started: () => supervised.map((kept) => ({ name: kept.name, pid: kept.current().pid })),
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
