import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { childPids, commandOf, isAlive } from "../helpers/processes.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const dirs: string[] = [];

/** Starts local mode as `npm start` does, on a free port and its own data folder, and waits for the ready line. */
async function startLocalMode(): Promise<{
  child: ChildProcess;
  url: string;
  output: () => string;
  dataDir: string;
}> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "trm-local-"));
  dirs.push(dataDir);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TRM_DATA_DIR: dataDir,
    PORT: "0",
    LOG_LEVEL: "warn",
  };
  if (process.env.FERRETDB_BIN !== undefined) env.FERRETDB_BIN = process.env.FERRETDB_BIN;
  const child = spawn(process.execPath, [path.join(ROOT, "webhooks/main-local.ts")], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const match = /TRM is ready in [\d.]+s: (http:\/\/[^/\s]+)/.exec(output);
    if (match?.[1] !== undefined) return { child, url: match[1], output: () => output, dataDir };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`local mode did not become ready:\n${output}`);
}

/** Files and folders under `dir` that someone other than the owner may read or enter. */
function openToOthers(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    if (!entry.isFile() && !entry.isDirectory()) continue;
    if ((statSync(full).mode & 0o077) !== 0) found.push(`${full} ${(statSync(full).mode & 0o777).toString(8)}`);
  }
  return found;
}

async function allGone(pids: number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pids.every((pid) => !isAlive(pid))) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return pids.every((pid) => !isAlive(pid));
}

describe("local mode (npm start)", () => {
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("starts FerretDB and Redis, answers /ready, and Ctrl-C leaves no service behind", async () => {
    const { child, url, output, dataDir } = await startLocalMode();
    expect(output()).toMatch(/\[services\] FerretDB v1\.24\.2 \(SQLite\) ready at mongodb:\/\/127\.0\.0\.1:\d+\//);
    expect(output()).toMatch(/\[services\] Redis ready at redis:\/\/127\.0\.0\.1:\d+ \(AOF on\)/);
    const services = childPids(child.pid ?? 0);
    expect(services.map(commandOf).join("\n")).toMatch(/ferretdb/);
    expect(services.map(commandOf).join("\n")).toMatch(/redis-server/);

    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(200);
    // The database, the Redis append-only file and the local key are the user's alone.
    const open = openToOthers(dataDir);
    expect(open).toEqual([]);

    child.kill("SIGINT");
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(0);
    expect(await allGone(services, 5_000)).toBe(true);
  });

  it("leaves no service behind even when the Node process is killed outright", async () => {
    const { child } = await startLocalMode();
    const services = childPids(child.pid ?? 0);
    expect(services.length).toBe(2);
    child.kill("SIGKILL");
    await once(child, "exit");
    expect(await allGone(services, 5_000)).toBe(true);
  });
});
