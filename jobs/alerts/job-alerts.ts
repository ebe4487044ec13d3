import type { AlertQueue, DigestData } from "../../core/catalog/alert-fanout.ts";
import type { JobAlertData } from "../../core/catalog/alert-texts.ts";
import type { QueueDefinition, QueueRegistry } from "../queue-registry.ts";

export const JOB_ALERTS_QUEUE = "job-alerts";
export const ALERT_DIGEST_QUEUE = "alert-digest";

/** The alert pipeline's workers: fan out a new job's alerts, and send a morning digest (core's AlertFanOut). */
export function alertQueueDefinitions(): [QueueDefinition<JobAlertData>, QueueDefinition<DigestData>] {
  return [
    {
      name: JOB_ALERTS_QUEUE,
      concurrency: 2,
      async process(job, ctx) {
        const result = await ctx.deps.core.alertFanOut.fanOut(job.data);
        ctx.logger.info({ jobId: job.data.jobId, ...result }, "job alerts fanned out");
        return result;
      },
    },
    { name: ALERT_DIGEST_QUEUE, concurrency: 1, process: (job, ctx) => ctx.deps.core.alertFanOut.sendDigest(job.data) },
  ];
}

/** The producer core uses: the job id makes the fan-out once per job, the day makes the digest once per day. */
export function bullmqAlertQueue(queues: QueueRegistry): AlertQueue {
  return {
    async jobPublished(data) {
      await queues.get(JOB_ALERTS_QUEUE).add("fan-out", data, { jobId: `alerts-${data.jobId}` });
    },
    async digestLater(data, delayMs) {
      await queues.get(ALERT_DIGEST_QUEUE).add("digest", data, { jobId: `digest-${data.day}`, delay: delayMs });
    },
  };
}
