import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { startLocalServices, type LocalServices } from "../../infra/local/local-services.ts";
import { isAlive } from "../helpers/processes.ts";
import { waitFor } from "../helpers/wait-for.ts";

const dataDir = mkdtempSync(path.join(os.tmpdir(), "trm-supervision-"));
let services: LocalServices | undefined;
afterAll(async () => {
  await services?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("local services under npm start", () => {
  it("restart Redis after it is killed, on the same address, and say so", async () => {
    const lines: string[] = [];
    services = await startLocalServices({ dataDir, durable: false, say: (line) => lines.push(line) });
    const pidOf = () => services?.started().find((service) => service.name === "Redis")?.pid;
    const first = pidOf();
    expect(first).toBeTypeOf("number");
    process.kill(first ?? 0, "SIGKILL");
    await waitFor(
      () => pidOf() !== first && lines.some((line) => line.includes("Redis is back")),
      20_000,
      "a new Redis",
    );
    expect(isAlive(pidOf() ?? 0)).toBe(true);
    expect(lines).toContainEqual(
      expect.stringMatching(/^\[services\] Redis exited \(code .*\); restarting in 1s \(1\/5\)$/),
    );
    const client = new Redis(services.redisUrl, { maxRetriesPerRequest: 1 });
    try {
      expect(await client.ping()).toBe("PONG");
    } finally {
      client.disconnect();
    }
  });
});
