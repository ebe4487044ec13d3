/**
 * `node tests/bench/seed-people.ts <mongodb uri> <db name> <count> <id prefix> <telegram base>`: seeds people in a
 * separate process, so a benchmark's own memory figures are not charged for making test data.
 */
import mongoose from "mongoose";
import { seedUsers } from "../helpers/seed-users.ts";

const [uri = "", dbName = "", count = "0", idPrefix = "X", tgBase = "500000000"] = process.argv.slice(2);
const connection = await mongoose.createConnection(uri, { dbName }).asPromise();
for (let from = 0; from < Number(count); from += 10_000) {
  // In slices, each with its own ids, so this process stays small too.
  await seedUsers(connection, {
    count: Math.min(10_000, Number(count) - from),
    idPrefix: `${idPrefix}${String(from / 10_000).padStart(2, "0")}`,
    tgBase: Number(tgBase) + from,
  });
}
await connection.close();
