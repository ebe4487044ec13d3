/** Web process: the Fastify service (health, metrics, and the channel and gateway webhooks). */
import { bootProcess } from "../core/lifecycle/boot.ts";
import { platformQueues } from "../jobs/definitions.ts";
import { createRuntime } from "../jobs/runtime/create-runtime.ts";
import { startWeb } from "./build-server.ts";
import { composeCore } from "./compose-core.ts";

const { config, logger, shutdown } = bootProcess();
const runtime = await createRuntime({ config, logger, shutdown, definitions: platformQueues() });
const { url } = await startWeb(runtime, await composeCore(runtime));
logger.info({ url }, "web process ready");
