/** Worker process: runs the BullMQ workers of every platform queue. */
import { bootProcess } from "../core/lifecycle/boot.ts";
import { platformQueues } from "./definitions.ts";
import { createChannelSenders } from "../bots/channels/senders.ts";
import { createFileFetcher } from "../bots/channels/file-fetchers.ts";
import { attachWorkers, createRuntime } from "./runtime/create-runtime.ts";

const { config, logger, shutdown } = bootProcess();
const runtime = await createRuntime({ config, logger, shutdown, definitions: platformQueues(), syncIndexes: false });
attachWorkers(
  runtime,
  createChannelSenders(runtime.config, runtime.redis),
  createFileFetcher(runtime.config, runtime.redis),
);
logger.info({ queues: runtime.queues.names() }, "worker process ready");
