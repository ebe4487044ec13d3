import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import v8 from "node:v8";

const packageJson = JSON.parse(readFileSync(path.join(import.meta.dirname, "../../package.json"), "utf8")) as {
  scripts: Record<string, string>;
};

/** V8's heap cap as `npm start` runs with it (package.json); the image sets the same (infra/Dockerfile, tested). */
export const SHIPPED_HEAP_FLAG = /--max-old-space-size=\d+/.exec(packageJson.scripts.start ?? "")?.[0] ?? "";

/** The heap cap this process was started with (its own flags first, then NODE_OPTIONS), if any. */
const currentHeapFlag = (): string | undefined =>
  process.execArgv.find((flag) => flag.startsWith("--max-old-space-size")) ??
  /--max-old-space-size=\d+/.exec(process.env.NODE_OPTIONS ?? "")?.[0];

/**
 * Runs this benchmark as the platform is shipped: started without a heap cap of its own, it starts itself again with
 * the shipped one and exits with that run's status (`npm run bench` passes the flag, so it runs once there). Left
 * to its defaults on a large host, V8 lets garbage pile up far past what a 512 MiB machine would allow.
 */
export function runAsShipped(file: string): void {
  if (currentHeapFlag() !== undefined || SHIPPED_HEAP_FLAG === "") return;
  const again = spawnSync(process.execPath, [SHIPPED_HEAP_FLAG, ...process.execArgv, file, ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  process.exit(again.status ?? 1);
}

/** "V8 heap limit 320 MiB (--max-old-space-size=256)": what the run was measured under. */
export function heapLimitNote(): string {
  const limit = v8.getHeapStatistics().heap_size_limit / 1024 / 1024;
  return `V8 heap limit ${limit.toFixed(0)} MiB (${currentHeapFlag() ?? "V8's default for this host"})`;
}
