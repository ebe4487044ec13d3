import type { Connection } from "mongoose";

/**
 * Compiles every mongoose model of the domain onto one connection. Each area
 * of `core/` adds its models here, so that the index sync (at web boot and in
 * `npm run db:sync-indexes`) sees all of them.
 */
export function registerModels(connection: Connection): Connection {
  return connection;
}
