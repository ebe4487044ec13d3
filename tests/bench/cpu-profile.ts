import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

/**
 * Runs `work` under V8's CPU profiler when BENCH_PROFILE names a file (open it in Chrome DevTools or any
 * .cpuprofile viewer); otherwise just runs it. For finding where a benchmark's time goes.
 */
export async function profiled<T>(label: string, work: () => Promise<T>): Promise<T> {
  const file = process.env.BENCH_PROFILE;
  if (!file) return work();
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  try {
    return await work();
  } finally {
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    console.log(`CPU profile of ${label} written to ${file}`);
  }
}
