import type { Logger } from "../logging/create-logger.ts";

/** Phases run in this order: stop taking work, let work in progress finish, then close connections. */
export type ShutdownPhase = "intake" | "drain" | "connections";
const PHASES: ShutdownPhase[] = ["intake", "drain", "connections"];

interface Step {
  name: string;
  phase: ShutdownPhase;
  run: () => Promise<void>;
}

export interface Shutdown {
  /** Registers a step. Steps of one phase run in reverse order of registration (last opened, first closed). */
  add(phase: ShutdownPhase, name: string, run: () => Promise<void>): void;
  /** Runs every step once; a second call returns the same promise. */
  run(reason: string): Promise<void>;
  readonly started: boolean;
}

/**
 * Ordered, once-only shutdown. A failing step is logged and the rest still
 * run, so one stuck connection cannot keep the others open. The whole run is
 * bounded by `timeoutMs`; what is still open then is reported and abandoned.
 */
export function createShutdown(logger: Logger, timeoutMs: number): Shutdown {
  const steps: Step[] = [];
  let running: Promise<void> | undefined;

  const runAll = async (reason: string): Promise<void> => {
    logger.info({ reason }, "shutting down");
    for (const phase of PHASES) {
      const phaseSteps = steps.filter((step) => step.phase === phase).reverse();
      for (const step of phaseSteps) {
        try {
          await step.run();
          logger.debug({ step: step.name }, "shutdown step done");
        } catch (error) {
          logger.error({ err: error, step: step.name }, "shutdown step failed");
        }
      }
    }
    logger.info("shutdown complete");
  };

  return {
    add(phase, name, run) {
      steps.push({ phase, name, run });
    },
    run(reason) {
      if (running !== undefined) {
        logger.info({ reason }, "shutdown already in progress");
        return running;
      }
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`shutdown took longer than ${timeoutMs} ms`)), timeoutMs);
        timer.unref();
      });
      running = Promise.race([runAll(reason), timeout]).finally(() => clearTimeout(timer));
      return running;
    },
    get started() {
      return running !== undefined;
    },
  };
}

/**
 * Wires SIGINT/SIGTERM and fatal errors to the shutdown. The exit code is 0
 * for a signal and 1 for a crash or a shutdown that timed out.
 */
export function exitOnSignals(shutdown: Shutdown, logger: Logger): void {
  const stop = (reason: string, code: number) => {
    shutdown.run(reason).then(
      () => process.exit(code),
      (error: unknown) => {
        logger.fatal({ err: error }, "shutdown did not finish cleanly");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT", 0));
  process.on("SIGTERM", () => stop("SIGTERM", 0));
  process.on("uncaughtException", (error) => {
    logger.fatal({ err: error }, "uncaught exception");
    stop("uncaughtException", 1);
  });
  process.on("unhandledRejection", (error) => {
    logger.fatal({ err: error }, "unhandled rejection");
    stop("unhandledRejection", 1);
  });
}
