import type { Connection } from "mongoose";
import type { Logger } from "../logging/create-logger.ts";

/**
 * Creates the indexes every registered model declares. Production runs with
 * `autoIndex` off, so this is the one place indexes are built: at boot of the
 * web process and through `npm run db:sync-indexes`. Unique indexes are what
 * make "decide once" records safe on FerretDB, so boot fails if one cannot be built.
 */
export async function syncIndexes(connection: Connection, logger: Logger): Promise<number> {
  let count = 0;
  for (const model of Object.values(connection.models)) {
    await model.createCollection().catch((error: unknown) => {
      // Already exists: fine. Anything else is raised by createIndexes below.
      logger.debug({ err: error, model: model.modelName }, "createCollection skipped");
    });
    await model.createIndexes();
    count += Object.keys(model.schema.indexes()).length;
  }
  logger.info({ models: Object.keys(connection.models).length, indexes: count }, "indexes in sync");
  return count;
}
