import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../core/logging/create-logger.ts";
import type { QueueDefinition } from "../../jobs/queue-registry.ts";
import { buildTestApp, testConfig, type TestApp } from "../helpers/test-runtime.ts";

const noop: QueueDefinition<{ n: number }> = { name: "sample", concurrency: 1, process: async () => undefined };

describe("web service basics", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ definitions: [noop] });
  });
  afterAll(() => t.close());

  it("GET /health answers while the process is alive", async () => {
    const response = await t.app.inject({ method: "GET", url: "/health" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: "ok" });
  });

  it("GET /ready answers 200 when MongoDB and Redis both answer", async () => {
    const response = await t.app.inject({ method: "GET", url: "/ready" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "ready", checks: { mongodb: "ok", redis: "ok" } });
  });

  it("answers unknown routes with the one error shape", async () => {
    const response = await t.app.inject({ method: "GET", url: "/nothing-here?x=1" });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: "not_found", message: "No route for GET /nothing-here" } });
  });

  it("sets a request id (keeping a sane incoming one) and security headers", async () => {
    const given = await t.app.inject({ method: "GET", url: "/health", headers: { "x-request-id": "req-12345678" } });
    expect(given.headers["x-request-id"]).toBe("req-12345678");
    const made = await t.app.inject({
      method: "GET",
      url: "/health",
      headers: { "x-request-id": "bad id with spaces" },
    });
    expect(made.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.headers["x-content-type-options"]).toBe("nosniff");
    expect(made.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(made.headers["x-frame-options"]).toBe("SAMEORIGIN");
  });

  it(
    "serves Prometheus text with request counts, latency " +
      "histograms, event-loop lag, process metrics and queue depths",
    async () => {
      await t.runtime.queues.get("sample").add("one", { n: 1 }, { delay: 60_000 });
      await t.app.inject({ method: "GET", url: "/health" });
      await t.app.inject({ method: "GET", url: "/missing" });
      const response = await t.app.inject({ method: "GET", url: "/metrics" });
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = response.body;
      expect(text).toContain("# TYPE http_requests_total counter");
      expect(text).toMatch(/^http_requests_total\{method="GET",route="\/health",status="200"\} [1-9]\d*$/m);
      expect(text).toMatch(/^http_requests_total\{method="GET",route="unmatched",status="404"\} [1-9]\d*$/m);
      expect(text).toContain("# TYPE http_request_duration_seconds histogram");
      expect(text).toMatch(
        /^http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/health",status="200"\} \d+$/m,
      );
      expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
      expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
      expect(text).toMatch(/^queue_jobs\{queue="sample",state="delayed"\} 1$/m);
      expect(text).toMatch(/^queue_jobs\{queue="sample",state="waiting"\} 0$/m);
      // Every sample line is "name{labels} value" or "name value".
      for (const line of text.split("\n").filter((l) => l !== "" && !l.startsWith("#"))) {
        expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [-+0-9.eENaInf]+$/);
      }
    },
  );
});

describe("/metrics behind a bearer token", () => {
  let guarded: TestApp;
  const TOKEN = "metrics-token-0123456789";
  beforeAll(async () => {
    guarded = await buildTestApp({ config: testConfig({ METRICS_TOKEN: TOKEN }), definitions: [] });
  });
  afterAll(() => guarded.close());

  it("answers only the operator's scraper", async () => {
    const anonymous = await guarded.app.inject({ method: "GET", url: "/metrics" });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers["www-authenticate"]).toBe("Bearer");
    const wrong = await guarded.app.inject({ method: "GET", url: "/metrics", headers: { authorization: "Bearer x" } });
    expect(wrong.statusCode).toBe(401);
    const scraper = await guarded.app.inject({
      method: "GET",
      url: "/metrics",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(scraper.statusCode).toBe(200);
    expect(scraper.body).toContain("# TYPE http_requests_total counter");
  });
});

describe("request logs", () => {
  it("carry the request id, from the logger each request makes only when it logs", async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const t = await buildTestApp({
      definitions: [noop],
      logger: createLogger({ level: "debug", pretty: false, destination }),
    });
    try {
      await t.app.inject({ method: "GET", url: "/health", headers: { "x-request-id": "req-lazy-1" } });
      const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(logged).toContainEqual(expect.objectContaining({ reqId: "req-lazy-1", msg: "request", status: 200 }));
    } finally {
      await t.close();
    }
  });
});
