import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startLocalServices } from "../../infra/local/local-services.ts";

declare module "vitest" {
  export interface ProvidedContext {
    mongoUri: string;
    redisUrl: string;
  }
}

/**
 * Starts FerretDB and Redis once for the whole run (or uses MONGODB_URI /
 * REDIS_URL), on free ports, in a temporary folder removed afterwards.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "trm-test-"));
  const services = await startLocalServices({
    dataDir,
    durable: false,
    mongoUri: process.env.MONGODB_URI || undefined,
    redisUrl: process.env.REDIS_URL || undefined,
  });
  project.provide("mongoUri", services.mongoUri);
  project.provide("redisUrl", services.redisUrl);
  return async () => {
    await services.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
