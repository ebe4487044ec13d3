import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SendRate } from "../../jobs/notifications/send-rate.ts";
import { worstWindow } from "../helpers/rate-windows.ts";
import { buildTestApp, type TestApp } from "../helpers/test-runtime.ts";

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

describe("the shared send rate", () => {
  it("a process that stalls past its slots does not release them in one burst on waking", async () => {
    const rate = new SendRate({
      redis: t.runtime.redis,
      key: `${t.runtime.config.redis.prefix}:rate-test`,
      perSecond: 20,
    });
    const left: number[] = [];
    const sends = Array.from({ length: 40 }, () => rate.acquire().then((at) => left.push(at)));
    // The event loop is blocked for 1.5 s (a long GC, a CPU-bound request): every paced slot in that time is overdue.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const until = Date.now() + 1500;
    while (Date.now() < until) {
      // busy: nothing else runs
    }
    await Promise.all(sends);
    expect(left).toHaveLength(40);
    // At most 18 leave in any second (90% of 20) by the one clock every worker shares, Redis' (39 before the cap).
    // Measured by the local clock when each promise resolves instead, the window also held the loaded machine's
    // scheduling jitter (21 and 27 in runs beside other test files): the 10% margin is there for that in production.
    expect(worstWindow(left)).toBeLessThanOrEqual(18);
  });
});
