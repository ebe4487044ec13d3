import type { FastifyInstance } from "fastify";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { QueueRegistry } from "../../jobs/queue-registry.ts";

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<"method" | "route" | "status">;
  httpDuration: Histogram<"method" | "route" | "status">;
  /** Delivery receipts the channels report (Viber delivered / seen / failed). */
  channelReceipts: Counter<"channel" | "event">;
  /** Admin commands tried by people without the role. */
  adminDenied: Counter<"action">;
}

/**
 * A registry per app (no global default registry, so tests can build many
 * apps in one process): default process metrics (including event-loop lag),
 * HTTP counts and latency by route pattern and status, and queue depths read
 * at scrape time.
 */
export function createMetrics(queues: QueueRegistry): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const httpRequests = new Counter({
    name: "http_requests_total",
    help: "HTTP requests answered, by method, route pattern and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request latency, by method, route pattern and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: "queue_jobs",
    help: "Jobs in each BullMQ queue, by state",
    labelNames: ["queue", "state"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      try {
        for (const row of await queues.depths()) this.set({ queue: row.queue, state: row.state }, row.count);
      } catch {
        // Redis down: the scrape still answers; /ready reports the outage.
      }
    },
  });
  const channelReceipts = new Counter({
    name: "channel_receipts_total",
    help: "Delivery receipts reported by the channels",
    labelNames: ["channel", "event"] as const,
    registers: [registry],
  });
  const adminDenied = new Counter({
    name: "admin_denied_total",
    help: "Admin commands or buttons used without the role (answered as unknown)",
    labelNames: ["action"] as const,
    registers: [registry],
  });
  return { registry, httpRequests, httpDuration, channelReceipts, adminDenied };
}

/** Times every request; unmatched routes share one label so scanners cannot blow up cardinality. */
export function installRequestMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook("onResponse", async (request, reply) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? "unmatched",
      status: String(reply.statusCode),
    };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
  });
}
