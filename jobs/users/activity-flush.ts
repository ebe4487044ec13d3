import { FREQUENT_SWEEP_JOB_OPTIONS, type QueueDefinition } from "../queue-registry.ts";

export const ACTIVITY_FLUSH_QUEUE = "activity-flush";

/** Every 10 seconds, writes the buffered days of activity (one insert per 500 people) to `activity_days`. */
export function activityFlushQueueDefinition(): QueueDefinition<Record<string, never>> {
  return {
    name: ACTIVITY_FLUSH_QUEUE,
    concurrency: 1,
    defaultJobOptions: FREQUENT_SWEEP_JOB_OPTIONS,
    schedule: { id: "activity-flush", everyMs: 10_000 },
    async process(_job, ctx) {
      const written = await ctx.deps.core.activity.flush();
      return { written };
    },
  };
}
