import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { once } from "node:events";
import { AppError } from "../../core/errors/app-error.ts";

/** Every service this process started and has not stopped yet; killed on exit whatever happens. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort for a crash or process.exit(): the 'exit' event only allows synchronous work.
  process.on("exit", () => {
    for (const child of running) child.kill("SIGKILL");
  });
}

const hasSetpriv = (() => {
  let known: boolean | undefined;
  return () =>
    (known ??=
      existsSync("/usr/bin/setpriv") &&
      spawnSync("/usr/bin/setpriv", ["--help"]).stdout.toString().includes("pdeathsig"));
})();

export interface ChildService {
  readonly name: string;
  readonly pid: number | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
  readonly exited: Promise<number | null>;
}

/**
 * Starts a long-running service as a child process that cannot outlive us:
 * it is killed on a normal stop, on our 'exit', and (through the kernel's
 * parent-death signal, `setpriv --pdeathsig`) even when we are SIGKILLed.
 * Its output goes to `logFile`, not to our terminal.
 */
export function startChildService(
  name: string,
  command: string,
  args: string[],
  options: { logFile: string; env?: NodeJS.ProcessEnv },
): ChildService {
  installExitHook();
  const log = createWriteStream(options.logFile, { flags: "a" });
  const [file, argv] = hasSetpriv()
    ? ["/usr/bin/setpriv", ["--pdeathsig", "KILL", "--", command, ...args]]
    : [command, args];
  const child = spawn(file, argv, { env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  running.add(child);
  const exited = once(child, "exit").then(([code]) => {
    running.delete(child);
    log.end();
    return code as number | null;
  });
  let stopping: Promise<void> | undefined;
  return {
    name,
    get pid() {
      return child.pid;
    },
    exited,
    stop(graceMs = 5_000) {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/** Polls `probe` until it resolves, the child exits, or `timeoutMs` passes. */
export async function waitUntilAnswers(
  service: ChildService,
  probe: () => Promise<unknown>,
  timeoutMs: number,
  logFile: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitedEarly = false;
  void service.exited.then(() => {
    exitedEarly = true;
  });
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (exitedEarly)
      throw new AppError("local_service_failed", `${service.name} exited during start-up; see ${logFile}`);
    try {
      await probe();
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await service.stop();
  throw new AppError(
    "local_service_failed",
    `${service.name} did not answer within ${timeoutMs} ms (${String(lastError)}); see ${logFile}`,
  );
}
