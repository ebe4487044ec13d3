/**
 * Worker process: runs the BullMQ workers of every platform queue on the same core as the web process. It lives in
 * `webhooks/` (the process shell) because it wires the channel senders from `bots/` into the workers of `jobs/`.
 */
import { bootProcess } from "../core/lifecycle/boot.ts";
import { platformQueues } from "../jobs/definitions.ts";
import { attachWorkers, createRuntime } from "../jobs/runtime/create-runtime.ts";
import { composeCore, composeSenders } from "./compose-core.ts";
import { startWorkerHealth } from "./worker-health.ts";

const { config, logger, shutdown } = bootProcess();
const runtime = await createRuntime({ config, logger, shutdown, definitions: platformQueues(), syncIndexes: false });
const core = await composeCore(runtime);
attachWorkers(runtime, core, composeSenders(runtime));
const health = await startWorkerHealth(runtime, core);
logger.info({ queues: runtime.queues.names(), health }, "worker process ready");
