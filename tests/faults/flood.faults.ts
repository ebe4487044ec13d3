/**
 * One person floods the bot (500 messages in 10 s) while ten others chat: the flood is cut after the burst (one short
 * "slow down" per window, the rest dropped after dedupe), the others lose nothing and their p95 stays within 2× of
 * their quiet p95.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tgText } from "../fakes/telegram-updates.ts";
import { telegramHarness, type TelegramHarness } from "../helpers/telegram-harness.ts";
import { answeredWords, counts, report, sleep } from "./fault-kit.ts";

let h: TelegramHarness;

beforeAll(async () => {
  h = await telegramHarness({ INBOUND_BURST: "10", INBOUND_WINDOW_SECONDS: "5" });
});
afterAll(() => h.close());

const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)] ?? 0;

describe("one person floods the bot", () => {
  it("the others lose nothing and stay fast", async () => {
    const others = Array.from({ length: 10 }, (_, i) => ({
      id: 9_830_000 + i,
      first_name: `O${i}`,
      language_code: "en",
    }));
    const flooder = { id: 9_839_999, first_name: "Flood", language_code: "en" };
    for (const person of [...others, flooder]) await h.post(tgText(person, "/start"));
    const accepted = new Set<string>();
    const chat = async (phase: string, turns: number) => {
      const latencies: number[] = [];
      await Promise.all(
        others.map(async (person, chat) => {
          for (let turn = 0; turn < turns; turn++) {
            const word = `zq${chat}x${phase === "quiet" ? turn : 100 + turn}`;
            const started = performance.now();
            if ((await h.post(tgText(person, word))) === 200) accepted.add(word);
            latencies.push(performance.now() - started);
            await sleep(500);
          }
        }),
      );
      return latencies;
    };
    const quiet = await chat("quiet", 8);
    const flood = (async () => {
      const statuses: Array<Promise<number>> = [];
      for (let i = 0; i < 500; i++) {
        statuses.push(h.post(tgText(flooder, `spam ${i}`)));
        await sleep(20);
      }
      return Promise.all(statuses);
    })();
    const [busy, floodStatuses] = await Promise.all([chat("busy", 16), flood]);
    const replies = counts(others.flatMap((person) => answeredWords(h.fake.textsTo(person.id))));
    const ratio = p95(busy) / Math.max(1, p95(quiet));
    const row = {
      scenario:
        `Flood (500 in 10 s from one person): others' p95 ${p95(quiet).toFixed(0)} → ${p95(busy).toFixed(0)} ms ` +
        `(${ratio.toFixed(2)}×), ${h.fake.textsTo(flooder.id).length} replies to the flooder`,
      accepted: accepted.size,
      lost: [...accepted].filter((word) => !replies.has(word)).length,
      duplicated: [...replies.values()].filter((times) => times > 1).length,
      stuck: floodStatuses.filter((status) => status !== 200).length,
      uncertain: 0,
      retried: 0,
      recoveredIn: 0,
    };
    report(row);
    expect([row.lost, row.duplicated, row.stuck]).toEqual([0, 0, 0]);
    expect(ratio).toBeLessThanOrEqual(2);
  });
});
