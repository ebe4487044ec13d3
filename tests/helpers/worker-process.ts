import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { TestApp } from "./test-runtime.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** The environment a worker process needs to share a test app's database, Redis prefix and settings. */
export function workerEnv(t: TestApp, vars: Record<string, string>): Record<string, string> {
  const mongoUri = new URL(t.runtime.config.mongo.uri ?? "");
  mongoUri.pathname = `/${t.runtime.mongo.name}`;
  return {
    ...vars,
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
    MONGODB_URI: mongoUri.toString(),
    REDIS_URL: vars.REDIS_URL ?? t.runtime.config.redis.url ?? "",
    REDIS_PREFIX: t.runtime.config.redis.prefix,
  };
}

/**
 * Worker processes (`webhooks/main-worker.ts`) started as children, so a test can kill one with SIGKILL mid-work;
 * `killAll` ends whatever is still running (in afterAll).
 */
export class WorkerProcesses {
  private readonly env: () => Record<string, string>;
  private readonly children: ChildProcess[] = [];

  constructor(env: () => Record<string, string>) {
    this.env = env;
  }

  start(): ChildProcess {
    const child = spawn(process.execPath, [path.join(ROOT, "webhooks/main-worker.ts")], {
      env: { PATH: process.env.PATH, ...this.env() },
      stdio: ["ignore", "ignore", "pipe"],
    });
    child.stderr?.on("data", (chunk: Buffer) => process.stderr.write(`[worker] ${chunk.toString()}`));
    this.children.push(child);
    return child;
  }

  killAll(): void {
    for (const child of this.children) if (child.exitCode === null) child.kill("SIGKILL");
  }
}
