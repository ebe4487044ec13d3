import { FREQUENT_SWEEP_JOB_OPTIONS, type QueueDefinition } from "../queue-registry.ts";

export const REPLY_DRAIN_QUEUE = "reply-drain";

/**
 * Every 5 seconds, sends the chat replies a platform could not take during an outage, in order per chat (a chat's
 * next turn also sends them first). A reply whose send may have arrived is never sent again.
 */
export function replyDrainQueueDefinition(): QueueDefinition<Record<string, never>> {
  return {
    name: REPLY_DRAIN_QUEUE,
    concurrency: 1,
    defaultJobOptions: FREQUENT_SWEEP_JOB_OPTIONS,
    schedule: { id: "reply-drain", everyMs: 5_000 },
    async process(_job, ctx) {
      const totals = { chats: 0, sent: 0, uncertain: 0, dropped: 0, left: 0 };
      for (const sender of Object.values(ctx.deps.senders)) {
        if (sender?.drainReplies === undefined) continue;
        for (const report of await sender.drainReplies((chatKey) => ctx.deps.core.users.markUnreachable(chatKey))) {
          totals.chats++;
          totals.sent += report.sent;
          totals.uncertain += report.uncertain;
          totals.dropped += report.dropped;
          totals.left += report.left;
        }
      }
      if (totals.sent + totals.uncertain + totals.dropped > 0) ctx.logger.info(totals, "waiting replies drained");
      return totals;
    },
  };
}
