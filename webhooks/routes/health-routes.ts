import { safeEqual } from "../../core/security/constant-time.ts";
import type { FastifyInstance } from "fastify";
import mongoose from "mongoose";
import { pingMongo, withTimeout } from "../../core/db/mongo-connection.ts";
import type { Runtime } from "../../jobs/runtime/create-runtime.ts";
import type { Metrics } from "../plugins/metrics.ts";
import { errorBody } from "../plugins/error-shape.ts";

const CHECK_TIMEOUT_MS = 1_500;

type CheckResult = "ok" | "failed";

async function check(run: () => Promise<unknown>): Promise<CheckResult> {
  try {
    await run();
    return "ok";
  } catch {
    return "failed";
  }
}

/** `/health` (the process is alive), `/ready` (its dependencies answer) and `/metrics`. */
export function healthRoutes(runtime: Runtime, metrics: Metrics) {
  return async (app: FastifyInstance): Promise<void> => {
    // Liveness: always 200 while the process runs (restarting it would not bring a dependency back), but it says
    // "degraded", from the connections' own state, while the database or Redis is away.
    app.get("/health", async () => {
      const dependencies = {
        mongodb: runtime.mongo.readyState === mongoose.ConnectionStates.connected ? "connected" : "disconnected",
        redis: runtime.redis.status === "ready" ? "connected" : "disconnected",
      };
      const degraded = Object.values(dependencies).some((state) => state !== "connected");
      return { status: degraded ? "degraded" : "ok", uptimeSeconds: Math.round(process.uptime()), dependencies };
    });

    app.get("/ready", async (_request, reply) => {
      const [mongodb, redis] = await Promise.all([
        check(() => pingMongo(runtime.mongo, CHECK_TIMEOUT_MS)),
        check(() => withTimeout(runtime.redis.ping(), CHECK_TIMEOUT_MS, "redis ping timed out")),
      ]);
      const checks = { mongodb, redis };
      const failed = Object.entries(checks)
        .filter(([, result]) => result === "failed")
        .map(([name]) => name);
      if (failed.length === 0) return { status: "ready", checks };
      return reply
        .code(503)
        .header("retry-after", "5")
        .send({
          ...errorBody("dependency_unavailable", `Not ready: ${failed.join(" and ")} not answering`, { failed }),
          checks,
        });
    });

    app.get("/metrics", async (request, reply) => {
      // Metrics name queues, error rates and volumes: for the operator's scraper, not for anyone on the public port.
      const token = runtime.config.http.metricsToken;
      const given = request.headers.authorization ?? "";
      if (token !== undefined && !safeEqual(given, `Bearer ${token}`))
        return reply
          .code(401)
          .header("www-authenticate", "Bearer")
          .send(errorBody("bad_signature", "A bearer token is required"));
      const text = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(text);
    });
  };
}
