import type { CorePorts } from "../../core/app/create-core.ts";
import type { FileFetcher } from "../../core/files/file-fetcher.ts";
import { bullmqAlertQueue } from "../alerts/job-alerts.ts";
import { bullmqBroadcastQueue } from "../broadcasts/broadcast-runner.ts";
import { bullmqMediaQueue } from "../media/media-ingest.ts";
import { bullmqNotificationQueue } from "../notifications/notify-queues.ts";
import { bullmqReconcileQueue } from "../payments/reconcile-job.ts";
import type { QueueRegistry } from "../queue-registry.ts";
import { bullmqEscalationQueue } from "../support/escalation-job.ts";
import { bullmqMaintenanceQueue } from "../maintenance/maintenance-job.ts";

/** The core's ports on BullMQ: every producer the domain uses, over one process's queues. */
export function queuePorts(queues: QueueRegistry, files: FileFetcher): CorePorts {
  return {
    notificationQueue: bullmqNotificationQueue(queues),
    broadcastQueue: bullmqBroadcastQueue(queues),
    mediaQueue: bullmqMediaQueue(queues),
    alertQueue: bullmqAlertQueue(queues),
    reconcileQueue: bullmqReconcileQueue(queues),
    escalationQueue: (now) => bullmqEscalationQueue(queues, now),
    maintenanceQueue: (now) => bullmqMaintenanceQueue(queues, now),
    files,
    queueDepths: () => queues.depths(),
  };
}
