/**
 * Local mode (`npm start`): starts FerretDB and Redis unless MONGODB_URI /
 * REDIS_URL are set, then runs the web service and the workers in one process.
 * Ctrl-C stops everything in order, the services last.
 */
import path from "node:path";
import { bootProcess } from "../core/lifecycle/boot.ts";
import { seedDemoCatalog } from "../core/demo/seed-catalog.ts";
import { seedDemoPeople } from "../core/demo/seed-demo.ts";
import { localEncryptionKey } from "../infra/local/local-encryption-key.ts";
import { startLocalServices } from "../infra/local/local-services.ts";
import { platformQueues } from "../jobs/definitions.ts";
import { attachWorkers, createRuntime } from "../jobs/runtime/create-runtime.ts";
import { startWeb } from "./build-server.ts";
import { composeCore, composeSenders } from "./compose-core.ts";

const dataDir = path.resolve(process.env.TRM_DATA_DIR ?? ".data");
// Files this process and its services (FerretDB, Redis) create are the user's alone: 0600, folders 0700.
process.umask(0o077);
const env = { ...process.env };
env.ENCRYPTION_KEY ||= localEncryptionKey(dataDir);
env.PAYOUT_PROVIDER ||= "sandbox";
// The demo companies are billed per hire: a hire's invoice is paid on the sandbox gateway page.
env.REWARDS_RELEASE ||= "invoice";
env.STORAGE_DIR ||= path.join(dataDir, "storage");
/** Local mode only: a sandbox persona that is owner, so /admin can be tried at once. */
const LOCAL_OWNER = "900000001";
const localOwner = (env.ADMIN_TELEGRAM_IDS ?? "") === "";
if (localOwner) env.ADMIN_TELEGRAM_IDS = LOCAL_OWNER;

const startedAt = performance.now();
const { config, logger, shutdown } = bootProcess(env, true);
const services = await startLocalServices({
  dataDir,
  durable: true,
  mongoUri: config.mongo.uri,
  redisUrl: config.redis.url,
});
// Registered first in the last phase, so it runs after every connection is closed.
shutdown.add("connections", "local services", () => services.stop());

const runtime = await createRuntime({
  config: { ...config, mongo: { uri: services.mongoUri }, redis: { ...config.redis, url: services.redisUrl } },
  logger,
  shutdown,
  definitions: platformQueues(),
});
// One process, one core: the web side and the workers share it.
const core = await composeCore(runtime);
attachWorkers(runtime, core, composeSenders(runtime));
// An empty local database gets the demo catalog, and (with the sandbox) demo people to broadcast to.
const jobs = await seedDemoCatalog(runtime.mongo);
if (jobs > 0) process.stderr.write(`[demo] added ${jobs} demo jobs\n`);
if (runtime.config.sandbox) {
  const seeded = await seedDemoPeople(runtime.mongo);
  if (seeded > 0) process.stderr.write(`[demo] added ${seeded} demo people reachable through the sandbox\n`);
}
const { url } = await startWeb(runtime, core);
const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
process.stderr.write(`[web] TRM is ready in ${seconds}s: ${url}/ready  (Ctrl-C to stop)\n`);
if (runtime.config.sandbox) {
  process.stderr.write(
    `[web] Sandbox: ${url}/sandbox${localOwner ? `  (owner persona: Telegram, user id ${LOCAL_OWNER})` : ""}\n`,
  );
}
