import { DelayedError } from "bullmq";
import type { EscalationQueue } from "../../core/support/support-service.ts";
import { PRIORITIES, type Priority } from "../../core/support/ticket-models.ts";
import { DEFAULT_JOB_OPTIONS, type QueueDefinition, type QueueRegistry } from "../queue-registry.ts";

export const ESCALATION_QUEUE = "support-escalation";

interface EscalationJob {
  ticketId: string;
  priority: Priority;
  step: string;
  /** When the step is due (ms): the job waits for it by the core's clock, so a pinned clock decides in tests. */
  dueAt: number;
}

/** One job per ticket, priority and step: a second schedule of the same step is the same job (BullMQ keeps one). */
const jobId = (ticketId: string, priority: Priority, step: string) => `esc-${ticketId}-${priority}-${step}`;

/**
 * The escalation matrix as delayed jobs: a step due runs `support.escalate` (which tells the admins or owners once
 * each, unless the ticket was answered, resolved or changed priority); a job that wakes early waits again.
 */
export function escalationQueueDefinition(): QueueDefinition<EscalationJob> {
  return {
    name: ESCALATION_QUEUE,
    concurrency: 4,
    defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, removeOnComplete: { age: 7 * 24 * 3600 } },
    async process(job, ctx) {
      const { ticketId, priority, step, dueAt } = job.data;
      if (!PRIORITIES.includes(priority)) return "skipped";
      const now = ctx.deps.core.clock().getTime();
      if (now < dueAt) {
        await job.moveToDelayed(Date.now() + (dueAt - now), ctx.token);
        throw new DelayedError();
      }
      const result = await ctx.deps.core.support.escalate(ticketId, priority, step);
      ctx.logger.info({ ticketId, priority, step, result }, "ticket escalation step");
      return result;
    },
  };
}

export function bullmqEscalationQueue(queues: QueueRegistry, now: () => Date = () => new Date()): EscalationQueue {
  const queue = () => queues.get(ESCALATION_QUEUE);
  return {
    async schedule(ticketId, priority, steps) {
      await queue().addBulk(
        steps.map(({ step, at }) => ({
          name: step,
          data: { ticketId, priority, step, dueAt: at.getTime() },
          opts: { jobId: jobId(ticketId, priority, step), delay: Math.max(0, at.getTime() - now().getTime()) },
        })),
      );
    },
    async cancel(ticketId, priority, steps) {
      for (const step of steps) await queue().remove(jobId(ticketId, priority, step));
    },
  };
}
