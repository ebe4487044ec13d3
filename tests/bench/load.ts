import { Agent, request } from "node:http";

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function once(url: URL, method: string, body: string | undefined, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, agent, headers: body === undefined ? headers : { "content-type": "application/json", ...headers } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/**
 * Sends `total` requests to a loopback URL with `concurrency` in flight, then
 * stops. `makeRequest(i)` gives the body and headers of request i.
 */
export async function runLoad(options: {
  url: string;
  method?: string;
  total: number;
  concurrency: number;
  makeRequest?: (i: number) => { body?: string; headers?: Record<string, string> };
}): Promise<LoadResult> {
  const url = new URL(options.url);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) throw new Error("benchmarks only target loopback");
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < options.total) {
      const i = next++;
      const { body, headers = {} } = options.makeRequest?.(i) ?? {};
      const t0 = performance.now();
      try {
        const status = await once(url, options.method ?? "GET", body, headers);
        if (status >= 400) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  return resultOf(options.total, started, latencies, errors);
}

/** Throughput since `started` and the latency percentiles of a finished run. */
function resultOf(total: number, started: number, latencies: number[], errors: number): LoadResult {
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: total,
    seconds,
    perSecond: total / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    errors,
  };
}

export function describeLoad(name: string, result: LoadResult): string {
  return (
    `${name.padEnd(28)} ${result.perSecond.toFixed(0).padStart(7)} req/s   p50 ` +
    `${result.p50Ms.toFixed(2)} ms   p99 ${result.p99Ms.toFixed(2)} ms   errors ${result.errors}`
  );
}

/**
 * Sends `total` requests at a fixed `perSecond`, whatever the answers' speed (an open loop, as a platform delivers
 * updates), and stops. Latency counts from each request's scheduled time, so a server falling behind shows in p99.
 */
export async function runAtRate(options: {
  url: string;
  total: number;
  perSecond: number;
  makeRequest: (i: number) => { body?: string; headers?: Record<string, string> };
}): Promise<LoadResult & { behindMs: number }> {
  const url = new URL(options.url);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) throw new Error("benchmarks only target loopback");
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const inFlight: Array<Promise<void>> = [];
  for (let i = 0; i < options.total; i++) {
    const due = started + (i * 1000) / options.perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const { body, headers = {} } = options.makeRequest(i);
    inFlight.push(
      once(url, "POST", body, headers).then(
        (status) => {
          if (status >= 400) errors++;
          latencies.push(performance.now() - due);
        },
        () => {
          errors++;
          latencies.push(performance.now() - due);
        },
      ),
    );
  }
  const lastSent = performance.now();
  await Promise.all(inFlight);
  return {
    ...resultOf(options.total, started, latencies, errors),
    behindMs: lastSent - (started + ((options.total - 1) * 1000) / options.perSecond),
  };
}

/**
 * Rounds of a closed loop, as a platform delivers one chat's updates: round r sends request `(r, i)` for each of
 * `perRound` chats, and a round starts when the previous one has ended, so one chat's requests never overlap.
 * Throughput over all rounds, the worst round's p50/p99, and each round's throughput and this process's CPU time per
 * request (user + system; steadier than throughput on a shared machine, and it holds the server when it runs here).
 */
export async function runRounds(options: {
  url: string;
  rounds: number;
  perRound: number;
  concurrency: number;
  makeRequest: (round: number, i: number) => { body?: string; headers?: Record<string, string> };
}): Promise<LoadResult & { rounds: number[]; cpuMs: number[] }> {
  const started = performance.now();
  const total = {
    ...resultOf(0, started, [], 0),
    requests: options.rounds * options.perRound,
    rounds: [] as number[],
    cpuMs: [] as number[],
  };
  for (let round = 0; round < options.rounds; round++) {
    const cpu = process.cpuUsage();
    const result = await runLoad({
      url: options.url,
      method: "POST",
      total: options.perRound,
      concurrency: options.concurrency,
      makeRequest: (i) => options.makeRequest(round, i),
    });
    total.errors += result.errors;
    total.rounds.push(result.perSecond);
    const used = process.cpuUsage(cpu);
    total.cpuMs.push((used.user + used.system) / 1000 / options.perRound);
    total.p50Ms = Math.max(total.p50Ms, result.p50Ms);
    total.p99Ms = Math.max(total.p99Ms, result.p99Ms);
  }
  total.seconds = (performance.now() - started) / 1000;
  total.perSecond = total.requests / total.seconds;
  return total;
}
