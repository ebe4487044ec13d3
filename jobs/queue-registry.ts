import { Queue, type Job, type JobsOptions } from "bullmq";
import type { Config } from "../core/config/load-config.ts";
import type { Logger } from "../core/logging/create-logger.ts";
import type { ChannelSenders } from "../core/notifications/channel-sender.ts";
import type { Core } from "../core/app/create-core.ts";
import type { Redis } from "./redis/create-redis.ts";
import { AppError } from "../core/errors/app-error.ts";

/** What workers may use; built once per worker process. */
export interface WorkerDeps {
  /** The process's domain, built once by `createCore`: workers load, call a core use case, and report. */
  core: Core;
  config: Config;
  /** Fail-fast command connection (not the blocking worker one): send rates, broadcast claims. */
  redis: Redis;
  /** The channels' outbound clients, built where channel code may be imported (the process entry points). */
  senders: ChannelSenders;
}

export interface JobContext {
  logger: Logger;
  /** The lock token, for `job.moveToDelayed(at, token)`. */
  token: string | undefined;
  /** Pauses the whole queue (every worker) for `ms`, e.g. after a platform's 429. */
  rateLimit(ms: number): Promise<void>;
  deps: WorkerDeps;
}

/** What a feature declares to get a queue and a worker for it. */
export interface QueueDefinition<Data = unknown> {
  /** kebab-case, unique; also the metric label. */
  name: string;
  /** Jobs of this queue processed at once by one worker process. */
  concurrency: number;
  /** How long a job's lock lasts without renewal: a killed worker's job is taken over after about this long. */
  lockDuration?: number;
  defaultJobOptions?: JobsOptions;
  /**
   * A recurring job, run every `everyMs` or on a cron `pattern` in a time zone (one BullMQ job scheduler, however many
   * workers start).
   */
  schedule?: ({ id: string; everyMs: number } | { id: string; pattern: string; tz: string }) & {
    /** Whether this deployment wants the schedule (default yes); when not, a scheduler left from before is removed. */
    when?: (config: Config) => boolean;
  };
  /**
   * Must be idempotent: BullMQ delivers at least once. Data holds ids only,
   * never secrets or personal data (Redis stores payloads in clear text).
   */
  process: (job: Job<Data>, context: JobContext) => Promise<unknown>;
}

/** Keeps finished jobs for a while for dedupe by job id and for inspection, then drops them. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * A sweep that runs every few seconds: a failed run is not retried (the next one, seconds later, does the same
 * work), and only the last few runs are kept, for a look at what they did.
 */
export const FREQUENT_SWEEP_JOB_OPTIONS: JobsOptions = {
  ...DEFAULT_JOB_OPTIONS,
  attempts: 1,
  removeOnComplete: { count: 20 },
  removeOnFail: { count: 50 },
};

export const QUEUE_STATES = ["waiting", "active", "delayed", "failed", "prioritized", "waiting-children"] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

export interface QueueRegistry {
  get(name: string): Queue;
  names(): string[];
  /** Jobs per queue and state, for /metrics and /stats. */
  depths(): Promise<Array<{ queue: string; state: QueueState; count: number }>>;
  close(): Promise<void>;
}

// BullMQ's generic queue type fixes data and name per queue; the registry stores them erased.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDefinition = QueueDefinition<any>;

/** Creates one producer-side Queue per definition, all sharing one fail-fast connection. */
export function createQueueRegistry(options: {
  connection: Redis;
  prefix: string;
  definitions: readonly AnyDefinition[];
}): QueueRegistry {
  const queues = new Map<string, Queue>();
  for (const definition of options.definitions) {
    if (queues.has(definition.name)) throw new AppError("unknown_queue", `queue "${definition.name}" is defined twice`);
    const queue = new Queue(definition.name, {
      connection: options.connection,
      prefix: options.prefix,
      defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, ...definition.defaultJobOptions },
      // BullMQ's event stream per queue keeps 10,000 entries by default (about 1 MiB a busy queue); we read none.
      streams: { events: { maxLen: 1_000 } },
    });
    // The shared connection's errors are logged once, rate-limited, where it is created; without a listener here
    // BullMQ would print every one of them again per queue (hundreds a second while Redis is down).
    queue.on("error", () => undefined);
    queues.set(definition.name, queue);
  }
  return {
    get(name) {
      const queue = queues.get(name);
      if (queue === undefined) throw new AppError("unknown_queue", `no queue named "${name}"`);
      return queue;
    },
    names: () => [...queues.keys()],
    async depths() {
      const rows: Array<{ queue: string; state: QueueState; count: number }> = [];
      for (const [name, queue] of queues) {
        const counts = await queue.getJobCounts(...QUEUE_STATES);
        for (const state of QUEUE_STATES) rows.push({ queue: name, state, count: counts[state] ?? 0 });
      }
      return rows;
    },
    async close() {
      await Promise.all([...queues.values()].map((queue) => queue.close()));
    },
  };
}
