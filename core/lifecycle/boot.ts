import { ConfigError, loadConfig, type Config } from "../config/load-config.ts";
import { createLogger, type Logger } from "../logging/create-logger.ts";
import { createShutdown, exitOnSignals, type Shutdown } from "./shutdown.ts";

export interface Boot {
  config: Config;
  logger: Logger;
  shutdown: Shutdown;
}

/** Exit code for a bad configuration (sysexits EX_CONFIG). */
export const EXIT_CONFIG = 78;

/**
 * The first thing every process entry point does: validate the environment
 * (printing every problem and exiting with 78, no stack trace, when it is
 * invalid), build the root logger and the ordered shutdown wired to signals.
 */
export function bootProcess(env: Record<string, string | undefined> = process.env, pretty = false): Boot {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel, pretty });
  const shutdown = createShutdown(logger, config.shutdownTimeoutMs);
  exitOnSignals(shutdown, logger);
  return { config, logger, shutdown };
}
