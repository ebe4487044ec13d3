import { DEFAULT_JOB_OPTIONS, type QueueDefinition } from "../queue-registry.ts";

export const BACKUP_QUEUE = "backup";

/**
 * The daily backup at 01:00 Yangon (the support plan's quiet window), keeping the newest BACKUP_RETENTION: one BullMQ
 * job scheduler, so one run a day however many workers start. A failed run is tried again (3 attempts, 10 min apart)
 * and stays in the failed set for the queue-depth alert.
 */
export function backupQueueDefinition(): QueueDefinition<Record<string, never>> {
  return {
    name: BACKUP_QUEUE,
    concurrency: 1,
    // A large dump may take a while: the lock outlives it, so no second worker starts the same backup.
    lockDuration: 30 * 60_000,
    defaultJobOptions: {
      ...DEFAULT_JOB_OPTIONS,
      attempts: 3,
      backoff: { type: "fixed", delay: 10 * 60_000 },
      removeOnComplete: { count: 60 },
    },
    schedule: {
      id: "backup-daily",
      pattern: "0 1 * * *",
      tz: "Asia/Yangon",
      // A platform cron (Render, a Kubernetes CronJob) runs `npm run backup` instead.
      when: (config) => config.backup.schedule === "worker",
    },
    async process(_job, ctx) {
      const report = await ctx.deps.core.backups.run();
      ctx.logger.info(
        { name: report.name, where: report.where, bytes: report.bytes, removed: report.removed.length },
        "daily backup done",
      );
      return { name: report.name, bytes: report.bytes };
    },
  };
}
