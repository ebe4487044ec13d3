import type { ChildService } from "./child-service.ts";

/** Restarts after 1, 2, 4, 8 and 16 seconds; a service that keeps dying is left down and said so. */
export const RESTART_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 16_000];

export interface Supervised {
  readonly name: string;
  /** The process running now (it changes after a restart). */
  current(): ChildService;
  /** Stops the service and every future restart. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Keeps a local service (FerretDB, Redis) running for `npm start`: when it dies on its own, it is started again on
 * the same port and data folder after a growing pause, at most five times in a row, with one clear line each time.
 * Clients reconnect to the same address by themselves, so work resumes without a restart of the platform.
 */
export function supervise(
  name: string,
  first: ChildService,
  start: () => Promise<ChildService>,
  say: (line: string) => void,
  delays: readonly number[] = RESTART_DELAYS_MS,
): Supervised {
  let service = first;
  let stopped = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;

  /** After the service died (or a restart failed): wait, start it again, and watch the new process. */
  const scheduleRestart = (why: string) => {
    const delay = delays[failures];
    if (delay === undefined) {
      say(`[services] ${name} ${why} and was restarted ${delays.length} times; left down`);
      return;
    }
    failures++;
    say(`[services] ${name} ${why}; restarting in ${delay / 1000}s (${failures}/${delays.length})`);
    timer = setTimeout(() => {
      start()
        .then(async (next) => {
          if (stopped) return next.stop();
          service = next;
          say(`[services] ${name} is back`);
          watch(next);
          // A service that stays up for a minute starts a new count.
          setTimeout(() => {
            if (service === next) failures = 0;
          }, 60_000).unref();
          return undefined;
        })
        .catch((error: unknown) => {
          if (!stopped)
            scheduleRestart(`could not be restarted (${error instanceof Error ? error.message : String(error)})`);
        });
    }, delay);
    timer.unref();
  };

  const watch = (watched: ChildService) => {
    void watched.exited.then((code) => {
      if (!stopped && watched === service) scheduleRestart(`exited (code ${String(code)})`);
    });
  };
  watch(first);

  let stopping: Promise<void> | undefined;
  return {
    name,
    current: () => service,
    stop() {
      stopping ??= (async () => {
        stopped = true;
        if (timer !== undefined) clearTimeout(timer);
        await service.stop();
      })();
      return stopping;
    },
  };
}
