import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Redis } from "ioredis";

/**
 * Where personal data could rest outside the database, read byte for byte:
 * every value under the test's Redis prefix (read by type, as an AOF or RDB
 * would hold it: strings, hashes, lists, sets, sorted sets, streams, so BullMQ
 * jobs and conversation state included) and every file in the storage folder.
 * Answers how much it read and the places where one of `needles` (texts, or
 * bytes such as a file signature) appears in clear.
 */
export async function findInClearAtRest(
  redis: Redis,
  prefix: string,
  storageDir: string,
  needles: (string | Buffer)[],
  /** Keys that stand for the messenger's own side (the sandbox's simulated chat history), not our storage. */
  skipKeys?: RegExp,
): Promise<{ found: string[]; redisKeys: number; files: number }> {
  const found: string[] = [];
  let redisKeys = 0;
  const check = (place: string, bytes: Buffer) => {
    for (const needle of needles) {
      const pattern = typeof needle === "string" ? Buffer.from(needle, "utf8") : needle;
      if (bytes.includes(pattern))
        found.push(`${place}: ${typeof needle === "string" ? needle : pattern.toString("hex")}`);
    }
  };
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
    cursor = next;
    redisKeys += keys.length;
    for (const key of keys.filter((name) => skipKeys?.test(name) !== true))
      check(`redis ${key}`, Buffer.from((await readByType(redis, key)).join("\n"), "utf8"));
  } while (cursor !== "0");
  const files = filesUnder(storageDir);
  for (const file of files) check(`file ${path.relative(storageDir, file)}`, readFileSync(file));
  return { found, redisKeys, files: files.length };
}

async function readByType(redis: Redis, key: string): Promise<string[]> {
  switch (await redis.type(key)) {
    case "string":
      return [(await redis.get(key)) ?? ""];
    case "hash":
      return Object.entries(await redis.hgetall(key)).flat();
    case "list":
      return redis.lrange(key, 0, -1);
    case "set":
      return redis.smembers(key);
    case "zset":
      return redis.zrange(key, 0, -1, "WITHSCORES");
    case "stream":
      return (await redis.xrange(key, "-", "+")).flatMap(([id, fields]) => [id, ...fields]);
    default:
      return [];
  }
}

function filesUnder(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}
