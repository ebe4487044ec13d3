import { maintenanceQueueDefinition } from "./maintenance/maintenance-job.ts";
import { escalationQueueDefinition } from "./support/escalation-job.ts";
import { backupQueueDefinition } from "./backups/backup-job.ts";
import { alertQueueDefinitions } from "./alerts/job-alerts.ts";
import { broadcastQueueDefinition } from "./broadcasts/broadcast-runner.ts";
import { notifyQueues } from "./notifications/notify-queues.ts";
import { reconcileQueueDefinition } from "./payments/reconcile-job.ts";
import { decisionSweeperQueueDefinition } from "./decisions/decision-sweeper.ts";
import { kycRetentionQueueDefinition } from "./kyc/kyc-retention.ts";
import { leaderboardQueueDefinition } from "./leaderboard/leaderboard-job.ts";
import { mediaIngestQueueDefinition } from "./media/media-ingest.ts";
import { replyDrainQueueDefinition } from "./replies/reply-drain.ts";
import type { QueueDefinition } from "./queue-registry.ts";
import { activityFlushQueueDefinition } from "./users/activity-flush.ts";

/**
 * Every queue of the platform, in one place. A feature adds its queue here;
 * the web process gets producers for all of them and the worker process a
 * worker for each. Order does not matter; names must be unique.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function platformQueues(): QueueDefinition<any>[] {
  return [
    ...notifyQueues(),
    broadcastQueueDefinition(),
    ...alertQueueDefinitions(),
    mediaIngestQueueDefinition(),
    leaderboardQueueDefinition(),
    kycRetentionQueueDefinition(),
    reconcileQueueDefinition(),
    decisionSweeperQueueDefinition(),
    replyDrainQueueDefinition(),
    backupQueueDefinition(),
    escalationQueueDefinition(),
    maintenanceQueueDefinition(),
    activityFlushQueueDefinition(),
  ];
}
