import { DelayedError } from "bullmq";
import type { MaintenanceQueue } from "../../core/maintenance/maintenance-service.ts";
import { DEFAULT_JOB_OPTIONS, type QueueDefinition, type QueueRegistry } from "../queue-registry.ts";

export const MAINTENANCE_QUEUE = "maintenance";

interface MaintenanceJob {
  windowId: string;
  kind: "notice" | "end";
  /** When it is due (ms), by the core's clock. */
  dueAt: number;
}

/**
 * A maintenance window's two moments as delayed jobs keyed by the window: the notice 48 hours ahead (everyone active
 * in the last 30 days, once), and the end (callbacks stored during the window are settled). A job that wakes early
 * waits again.
 */
export function maintenanceQueueDefinition(): QueueDefinition<MaintenanceJob> {
  return {
    name: MAINTENANCE_QUEUE,
    concurrency: 1,
    defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, removeOnComplete: { age: 30 * 24 * 3600 } },
    async process(job, ctx) {
      const { windowId, kind, dueAt } = job.data;
      const now = ctx.deps.core.clock().getTime();
      if (now < dueAt) {
        await job.moveToDelayed(Date.now() + (dueAt - now), ctx.token);
        throw new DelayedError();
      }
      if (kind === "notice") {
        const told = await ctx.deps.core.maintenance.sendNotice(windowId);
        ctx.logger.info({ windowId, told }, "maintenance notice queued");
        return told;
      }
      const settled = await ctx.deps.core.maintenance.finish(windowId);
      ctx.logger.info({ windowId, settled }, "maintenance window ended");
      return settled;
    },
  };
}

export function bullmqMaintenanceQueue(queues: QueueRegistry, now: () => Date): MaintenanceQueue {
  const queue = () => queues.get(MAINTENANCE_QUEUE);
  const add = (windowId: string, kind: MaintenanceJob["kind"], at: Date, jobId: string) =>
    queue().add(
      kind,
      { windowId, kind, dueAt: at.getTime() },
      { jobId, delay: Math.max(0, at.getTime() - now().getTime()) },
    );
  return {
    async scheduleNotice(windowId, at) {
      await add(windowId, "notice", at, `notice-${windowId}`);
    },
    async scheduleEnd(windowId, at) {
      await add(windowId, "end", at, `end-${windowId}`);
    },
    async endNow(windowId) {
      await add(windowId, "end", now(), `off-${windowId}`);
    },
  };
}
