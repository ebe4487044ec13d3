import { Worker } from "bullmq";
import type { Logger } from "../core/logging/create-logger.ts";
import type { QueueDefinition, QueueRegistry, WorkerDeps } from "./queue-registry.ts";
import type { Redis } from "./redis/create-redis.ts";

export interface Workers {
  /** Stops taking new jobs and waits for the active ones to finish. Safe to call twice. */
  close(): Promise<void>;
  readonly workers: readonly Worker[];
}

/**
 * Starts one BullMQ worker per definition. Each job runs with a child logger
 * bound to its queue and id; a failure is logged and left to BullMQ's retries.
 */
export function startWorkers(options: {
  connection: Redis;
  prefix: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  definitions: readonly QueueDefinition<any>[];
  queues: QueueRegistry;
  deps: WorkerDeps;
  logger: Logger;
}): Workers {
  const workers = options.definitions.map((definition) => {
    const worker = new Worker(
      definition.name,
      async (job, token) => {
        const logger = options.logger.child({ queue: definition.name, jobId: job.id, attempt: job.attemptsMade + 1 });
        return definition.process(job, {
          logger,
          token,
          rateLimit: (ms) => options.queues.get(definition.name).rateLimit(ms),
          deps: options.deps,
        });
      },
      {
        connection: options.connection,
        prefix: options.prefix,
        concurrency: definition.concurrency,
        ...(definition.lockDuration === undefined
          ? {}
          : { lockDuration: definition.lockDuration, stalledInterval: definition.lockDuration }),
      },
    );
    if (definition.schedule?.when?.(options.deps.config) === false) {
      options.queues
        .get(definition.name)
        .removeJobScheduler(definition.schedule.id)
        .catch((error: unknown) => options.logger.warn({ err: error, queue: definition.name }, "could not unschedule"));
    } else if (definition.schedule !== undefined) {
      options.queues
        .get(definition.name)
        .upsertJobScheduler(
          definition.schedule.id,
          "everyMs" in definition.schedule
            ? { every: definition.schedule.everyMs }
            : { pattern: definition.schedule.pattern, tz: definition.schedule.tz },
          { name: definition.schedule.id },
        )
        .catch((error: unknown) => options.logger.warn({ err: error, queue: definition.name }, "could not schedule"));
    }
    worker.on("failed", (job, error) => {
      options.logger.warn({ err: error, queue: definition.name, jobId: job?.id }, "job failed");
    });
    worker.on("error", (error) => {
      options.logger.warn({ err: error, queue: definition.name }, "worker error");
    });
    return worker;
  });
  let closing: Promise<void> | undefined;
  return {
    workers,
    close() {
      closing ??= Promise.all(workers.map((worker) => worker.close())).then(() => undefined);
      return closing;
    },
  };
}
