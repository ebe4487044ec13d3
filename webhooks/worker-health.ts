import Fastify from "fastify";
import mongoose from "mongoose";
import type { Core } from "../core/app/create-core.ts";
import type { Runtime } from "../jobs/runtime/create-runtime.ts";
import { createMetrics } from "./plugins/metrics.ts";
import { healthRoutes } from "./routes/health-routes.ts";

/**
 * The worker process's /health, /ready and /metrics on WORKER_HEALTH_PORT, for an orchestrator's probes (Kubernetes,
 * Render) and the scraper: the same answers as the web process, with the worker's own queue and business series.
 */
export async function startWorkerHealth(runtime: Runtime, core: Core): Promise<string | undefined> {
  const { config } = runtime;
  if (config.workerHealthPort === 0) return undefined;
  const app = Fastify({ logger: false, return503OnClosing: true });
  const metrics = createMetrics(runtime.queues, core, () => ({
    mongodb: runtime.mongo.readyState === mongoose.ConnectionStates.connected,
    redis: runtime.redis.status === "ready",
  }));
  await app.register(healthRoutes(runtime, metrics));
  const url = await app.listen({ host: config.http.host, port: config.workerHealthPort });
  runtime.shutdown.add("intake", "worker health", () => app.close());
  return url;
}
