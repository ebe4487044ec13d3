import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

type ScriptArgument = string | number | Buffer;

/**
 * A Lua script run by its SHA1 (EVALSHA), so each call sends a few dozen bytes instead of the script's text; when
 * Redis does not know it yet (a restart, a new node of a cluster, SCRIPT FLUSH) the call is sent once more with the
 * text (EVAL), which also loads it. The same as ioredis's `defineCommand`, without adding methods to the client.
 */
export class RedisScript {
  readonly source: string;
  readonly sha: string;

  constructor(source: string) {
    this.source = source;
    this.sha = createHash("sha1").update(source).digest("hex");
  }

  async run(redis: Pick<Redis, "eval" | "evalsha">, keys: readonly string[], args: readonly ScriptArgument[] = []) {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
