import type { FastifyInstance } from "fastify";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { QueueRegistry } from "../../jobs/queue-registry.ts";
import { BUSINESS_COUNTERS, type CounterValue } from "../../core/metrics/business-counters.ts";
import type { MoneyHeld } from "../../core/metrics/money-held.ts";

/** Where the business series come from: counters every process adds to, and the money gauges. */
export interface BusinessSource {
  counters: { values(): Promise<CounterValue[]> };
  moneyHeld(): Promise<MoneyHeld>;
  payouts: { breaker(): Promise<{ paused: boolean }> };
}

/** Whether each dependency answers, from the connections' own state (no round trip at scrape). */
export type DependencyStates = () => Record<string, boolean>;

/** One read shared by the metrics of one scrape (they collect at once); the next scrape reads again. */
function shared<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= read().finally(() => (pending = undefined));
    return pending;
  };
}

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<"method" | "route" | "status">;
  httpDuration: Histogram<"method" | "route" | "status">;
  /** Delivery receipts the channels report (Viber delivered / seen / failed). */
  channelReceipts: Counter<"channel" | "event">;
  /** Admin commands tried by people without the role. */
  adminDenied: Counter<"action">;
  /** How long a gateway callback took to verify, store and settle, by gateway and result. */
  callbackDuration: Histogram<"gateway" | "result">;
}

/**
 * A registry per app (no global default registry, so tests can build many
 * apps in one process): default process metrics (including event-loop lag),
 * HTTP counts and latency by route pattern and status, and queue depths read
 * at scrape time.
 */
export function createMetrics(
  queues: QueueRegistry,
  business?: BusinessSource,
  dependencies?: DependencyStates,
): Metrics {
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
  const callbackDuration = new Histogram({
    name: "payment_callback_duration_seconds",
    help: "Gateway callback processing time (verify, store, settle), by gateway and result",
    labelNames: ["gateway", "result"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  if (business !== undefined) registerBusiness(registry, business);
  if (dependencies !== undefined)
    new Gauge({
      name: "dependency_up",
      help: "1 while the dependency's connection is up, 0 while it is away",
      labelNames: ["dependency"] as const,
      registers: [registry],
      collect() {
        for (const [dependency, up] of Object.entries(dependencies())) this.set({ dependency }, up ? 1 : 0);
      },
    });
  return { registry, httpRequests, httpDuration, channelReceipts, adminDenied, callbackDuration };
}

/**
 * Business counters (`<name>_total`, read from the Redis hash all processes count into, so any web process shows the
 * whole platform) and the money gauges (a sum over open payouts and one over the platform accounts, per scrape).
 */
function registerBusiness(registry: Registry, business: BusinessSource): void {
  const values = shared(() => business.counters.values());
  for (const [name, spec] of Object.entries(BUSINESS_COUNTERS)) {
    const labelNames = spec.label === null ? [] : [spec.label];
    new Counter({
      name: `${name}_total`,
      help: spec.help,
      labelNames,
      registers: [registry],
      async collect() {
        try {
          const rows = (await values()).filter((row) => row.name === name);
          this.reset();
          for (const row of rows) {
            if (spec.label === null) this.inc(row.value);
            else if (row.label !== null) this.inc({ [spec.label]: row.label }, row.value);
          }
        } catch {
          // Redis down: the scrape still answers; /ready reports the outage.
        }
      },
    });
  }
  new Gauge({
    name: "payouts_paused",
    help: "1 while the payout circuit breaker has paused all payouts",
    registers: [registry],
    async collect() {
      try {
        this.set((await business.payouts.breaker()).paused ? 1 : 0);
      } catch {
        // The database down: the last value stays.
      }
    },
  });
  const held = shared(() => business.moneyHeld());
  new Gauge({
    name: "money_held_kyat",
    help: "Kyat held: set aside for payouts in flight, and owed to people in all",
    labelNames: ["kind"] as const,
    registers: [registry],
    async collect() {
      try {
        const money = await held();
        this.set({ kind: "payouts_in_flight" }, money.payoutsInFlight);
        this.set({ kind: "owed_to_people" }, money.owedToPeople);
      } catch {
        // The database down: the last values stay; /ready reports the outage.
      }
    },
  });
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
