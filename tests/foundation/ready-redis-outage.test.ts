import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import getPort from "get-port";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type RunningRedis } from "../../infra/local/redis-service.ts";
import { buildTestApp, testConfig, type TestApp } from "../helpers/test-runtime.ts";
import { TG_SECRET, TG_TOKEN } from "../helpers/telegram-harness.ts";
import { tgText } from "../fakes/telegram-updates.ts";

async function readyStatus(t: TestApp): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await t.app.inject({ method: "GET", url: "/ready" });
  return { status: response.statusCode, body: response.json() };
}

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!accept(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    value = await probe();
  }
  return value;
}

describe("/ready during a real Redis outage", () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "trm-redis-outage-"));
  let redis: RunningRedis;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startRedis({ dataDir, port: await getPort({ host: "127.0.0.1" }), durable: false });
    t = await buildTestApp({
      config: testConfig({
        REDIS_URL: redis.url,
        TELEGRAM_MODE: "webhook",
        TELEGRAM_BOT_TOKEN: TG_TOKEN,
        TELEGRAM_WEBHOOK_SECRET: TG_SECRET,
        TELEGRAM_API_ROOT: "http://127.0.0.1:9",
        PUBLIC_URL: "https://trm.example",
      }),
    });
  });
  afterAll(async () => {
    await t.close();
    await redis.service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers 503 naming redis while it is stopped, and 200 once it is back", async () => {
    expect((await readyStatus(t)).status).toBe(200);

    await redis.service.stop();
    const down = await eventually(
      () => readyStatus(t),
      (r) => r.status === 503,
      5_000,
    );
    expect(down.status).toBe(503);
    // An update that arrives meanwhile is not lost: Telegram is told to send it again shortly.
    const update = await t.app.inject({
      method: "POST",
      url: "/webhooks/telegram",
      headers: { "x-telegram-bot-api-secret-token": TG_SECRET },
      payload: tgText({ id: 4_400_001, first_name: "Outage", language_code: "en" }, "/start"),
    });
    expect(update.statusCode).toBe(503);
    const health = await eventually(
      async () => (await t.app.inject({ method: "GET", url: "/health" })).json<{ status: string }>(),
      (body) => body.status === "degraded",
      5_000,
    );
    expect(health).toMatchObject({ status: "degraded", dependencies: { mongodb: "connected", redis: "disconnected" } });
    expect(update.headers["retry-after"]).toBe("5");
    expect(update.json()).toMatchObject({ error: { code: "dependency_unavailable", details: { failed: ["redis"] } } });
    expect(down.body).toMatchObject({
      error: {
        code: "dependency_unavailable",
        message: "Not ready: redis not answering",
        details: { failed: ["redis"] },
      },
      checks: { mongodb: "ok", redis: "failed" },
    });

    redis = await startRedis({ dataDir, port: redis.port, durable: false });
    const up = await eventually(
      () => readyStatus(t),
      (r) => r.status === 200,
      10_000,
    );
    expect(up.status).toBe(200);
    expect(up.body).toEqual({ status: "ready", checks: { mongodb: "ok", redis: "ok" } });
  });
});
