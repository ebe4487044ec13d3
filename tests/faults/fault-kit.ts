import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import os from "node:os";
import path from "node:path";
import { createChannelSenders } from "../../bots/channels/senders.ts";
import { startLocalServices, type LocalServices } from "../../infra/local/local-services.ts";
import { attachWorkers } from "../../jobs/runtime/create-runtime.ts";
import { telegramHarness, type TelegramHarness } from "../helpers/telegram-harness.ts";
import { tgText, type TgUser } from "../fakes/telegram-updates.ts";

/** One scenario's outcome, as `npm run faults` prints it. */
export interface FaultRow {
  scenario: string;
  accepted: number;
  lost: number;
  duplicated: number;
  stuck: number;
  /** Sends whose answer never came: maybe delivered, never repeated (the only allowed "maybe"). */
  uncertain: number;
  /** Requests or steps that failed during the faults and were delivered or tried again (the fault was felt). */
  retried: number;
  /** Seconds from the (last) fault until the last failure it caused: how long it was felt. */
  recoveredIn: number;
}

/** Failures seen while a fault was on, with when they happened (for `retried` and `recoveredIn`). */
export class FaultClock {
  readonly failures: number[] = [];
  readonly faults: number[] = [];

  fault(at = Date.now()): void {
    this.faults.push(at);
  }

  failed(): void {
    this.failures.push(Date.now());
  }

  /** Seconds from the last fault to the last failure after it (0 when it caused none). */
  get recoveredIn(): number {
    const last = this.faults.at(-1);
    if (last === undefined) return 0;
    const after = this.failures.filter((at) => at >= last);
    return after.length === 0 ? 0 : Math.round((Math.max(...after) - last) / 100) / 10;
  }
}

/** Appends the row to the run's report (FAULTS_REPORT) and prints it. */
export function report(row: FaultRow): void {
  const line = JSON.stringify(row);
  if (process.env.FAULTS_REPORT !== undefined) appendFileSync(process.env.FAULTS_REPORT, `${line}\n`);
  process.stdout.write(`[fault] ${line}\n`);
}

/** FerretDB and Redis of this scenario alone, supervised as `npm start` does (a killed one comes back). */
export async function faultServices(): Promise<{
  services: LocalServices;
  kill(name: "FerretDB" | "Redis"): number;
  /** Kills it `times` times: each time it is back, again after `upMs` (its restarts back off: 1, 2, 4, 8 s). */
  killRepeatedly(name: "FerretDB" | "Redis", times: number, upMs: number, clocks: FaultClock[]): Promise<void>;
  /** Resolves when the service is running again after the last kill. */
  back(name: "FerretDB" | "Redis"): Promise<void>;
  close(): Promise<void>;
}> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "trm-faults-"));
  const services = await startLocalServices({
    dataDir,
    durable: true,
    say: (line) => process.stdout.write(`${line}\n`),
  });
  return {
    services,
    kill(name) {
      const pid = services.started().find((service) => service.name === name)?.pid;
      if (pid === undefined) throw new Error(`${name} is not running`);
      process.kill(pid, "SIGKILL");
      return Date.now();
    },
    async killRepeatedly(name, times, upMs, clocks) {
      let last: number | undefined;
      for (let time = 0; time < times; time++) {
        for (;;) {
          const pid = services.started().find((service) => service.name === name)?.pid;
          if (pid !== undefined && pid !== last) {
            last = pid;
            break;
          }
          await sleep(100);
        }
        await sleep(upMs);
        process.kill(last, "SIGKILL");
        for (const clock of clocks) clock.fault();
      }
    },
    async back(name) {
      const port = Number(new URL(name === "FerretDB" ? services.mongoUri : services.redisUrl).port);
      for (;;) {
        const open = await new Promise<boolean>((resolve) => {
          const socket = connect(port, "127.0.0.1");
          socket.once("connect", () => resolve(true)).once("error", () => resolve(false));
          socket.setTimeout(500, () => resolve(false));
        }).finally(() => undefined);
        if (open) return;
        await sleep(200);
      }
    },
    async close() {
      await services.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Delivers as a platform does: a request answered other than 2xx is sent again after a pause, until it is taken or
 * the attempts run out (Telegram retries a webhook for hours; gateways retry callbacks). Returns the final status
 * and when it was first taken.
 */
export async function deliverUntilTaken(
  send: () => Promise<number>,
  clock?: FaultClock,
  attempts = 90,
  pauseMs = 1_000,
): Promise<{ status: number; takenAt: number }> {
  let status = 0;
  for (let attempt = 0; attempt < attempts; attempt++) {
    status = await send().catch(() => 0);
    if (status >= 200 && status < 300) return { status, takenAt: Date.now() };
    clock?.failed();
    await sleep(pauseMs);
  }
  return { status, takenAt: Date.now() };
}

/** Waits until `check` holds or the time is up; answers whether it held. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 60_000, everyMs = 250): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return true;
    await sleep(everyMs);
  }
  return false;
}

/** How many times each item occurs. */
export function counts(items: string[]): Map<string, number> {
  const seen = new Map<string, number>();
  for (const item of items) seen.set(item, (seen.get(item) ?? 0) + 1);
  return seen;
}

/**
 * People writing to the bot through the Telegram webhook, each every 400 ms until `over()` and then twice more, each
 * update delivered as Telegram does (again until taken). Every update carries a unique word the bot's answer quotes
 * back, so what was answered, and how often, can be counted in the fake Bot API afterwards.
 */
export function chatStream(
  h: TelegramHarness,
  people: TgUser[],
  clock: FaultClock,
  over: () => boolean,
): { done: Promise<void>; accepted: Set<string>; sent: () => number } {
  const accepted = new Set<string>();
  let sent = 0;
  const done = Promise.all(
    people.map(async (person, chat) => {
      for (let turn = 0, after = 0; after < 2; turn++) {
        if (over()) after++;
        sent++;
        const word = `zq${chat}x${turn}`;
        const result = await deliverUntilTaken(() => h.post(tgText(person, word)), clock);
        if (result.status === 200) accepted.add(word);
        // A brisk person: under the inbound allowance's steady rate (10 per 5 s by default), not on trial here.
        await sleep(600);
      }
    }),
  ).then(() => undefined);
  return { done, accepted, sent: () => sent };
}

/** The words the bot quoted back to each person (one per answered update), as the fake Bot API holds them. */
export function answeredWords(texts: string[]): string[] {
  return texts.flatMap((text) => [...text.matchAll(/“(zq\d+x\d+)”/g)].map((match) => match[1] ?? ""));
}

/** The whole platform (web app in Telegram webhook mode, and its workers) on this scenario's own killable services. */
export async function faultApp(env: Record<string, string> = {}): Promise<{
  fault: Awaited<ReturnType<typeof faultServices>>;
  h: TelegramHarness;
  close(): Promise<void>;
}> {
  const fault = await faultServices();
  const h = await telegramHarness({ MONGODB_URI: fault.services.mongoUri, REDIS_URL: fault.services.redisUrl, ...env });
  attachWorkers(h.t.runtime, h.t.core, createChannelSenders(h.t.runtime.config, h.t.runtime.redis));
  return {
    fault,
    h,
    async close() {
      await h.close();
      await fault.close();
    },
  };
}
