/** `npm run db:sync-indexes`: builds every declared index (a release step in production). */
import { loadConfig } from "../config/load-config.ts";
import { createLogger } from "../logging/create-logger.ts";
import { connectMongo } from "./mongo-connection.ts";
import { registerModels } from "./register-models.ts";
import { syncIndexes } from "./sync-indexes.ts";

const config = loadConfig();
const logger = createLogger({ level: config.logLevel, pretty: false });
if (config.mongo.uri === undefined) {
  process.stderr.write("MONGODB_URI is not set: nothing to sync.\n");
  process.exit(78);
}
const connection = registerModels(await connectMongo({ uri: config.mongo.uri, autoIndex: false, logger }));
await syncIndexes(connection, logger);
await connection.close();
