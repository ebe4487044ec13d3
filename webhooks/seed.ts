/**
 * `npm run seed`: loads the demo catalog (and demo people for the sandbox) into
 * an empty database: the local one in .data (started and stopped here), or the
 * one MONGODB_URI points to.
 */
import path from "node:path";
import { loadConfig } from "../core/config/load-config.ts";
import { connectMongo } from "../core/db/mongo-connection.ts";
import { registerModels } from "../core/db/register-models.ts";
import { seedDemoCatalog } from "../core/demo/seed-catalog.ts";
import { seedDemoPeople } from "../core/demo/seed-demo.ts";
import { createLogger } from "../core/logging/create-logger.ts";
import { startLocalServices } from "../infra/local/local-services.ts";

const config = loadConfig();
const logger = createLogger({ level: "warn", pretty: false });
const services = await startLocalServices({
  dataDir: path.resolve(process.env.TRM_DATA_DIR ?? ".data"),
  durable: true,
  mongoUri: config.mongo.uri,
  redisUrl: config.redis.url,
});
try {
  const mongo = registerModels(await connectMongo({ uri: services.mongoUri, autoIndex: true, logger }));
  const jobs = await seedDemoCatalog(mongo);
  const people = config.sandbox ? await seedDemoPeople(mongo) : 0;
  process.stdout.write(jobs === 0 ? "The catalog already has jobs; nothing added.\n" : `Added ${jobs} demo jobs.\n`);
  if (people > 0) process.stdout.write(`Added ${people} demo people reachable through the sandbox.\n`);
  await mongo.close();
} finally {
  await services.stop();
}
