import { DEFAULT_JOB_OPTIONS, type QueueDefinition } from "../queue-registry.ts";

export const LEADERBOARD_QUEUE = "leaderboard";

/** Recomputes this month's leaderboard every hour (a BullMQ job scheduler: one run per hour however many workers). */
export function leaderboardQueueDefinition(): QueueDefinition<Record<string, never>> {
  return {
    name: LEADERBOARD_QUEUE,
    concurrency: 1,
    defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, removeOnComplete: { count: 48 } },
    schedule: { id: "leaderboard-hourly", everyMs: 3600_000 },
    async process(_job, ctx) {
      const board = await ctx.deps.core.leaderboard.compute(ctx.deps.core.clock());
      ctx.logger.info({ month: board._id, ranked: board.entries.length }, "leaderboard computed");
      return board.entries.length;
    },
  };
}
