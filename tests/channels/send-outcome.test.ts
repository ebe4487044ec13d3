import { createServer } from "node:net";
import { HttpError } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mayHaveReachedPlatform } from "../../bots/channels/send-outcome.ts";
import { createTelegramApi } from "../../bots/channels/telegram/telegram-sender.ts";
import { ViberClient } from "../../bots/channels/viber/viber-client.ts";
import { FakeTelegramApi } from "../fakes/fake-telegram-api.ts";
import { FakeViberApi } from "../fakes/fake-viber-api.ts";

/** A loopback port with nothing listening: a connection there is refused, so nothing can have left. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
}

let telegram: FakeTelegramApi;
let viber: FakeViberApi;
beforeAll(async () => {
  telegram = await new FakeTelegramApi("1:outcome").start();
  viber = await new FakeViberApi("viber-outcome-token").start();
});
afterAll(async () => {
  await telegram.stop();
  await viber.stop();
});

describe("whether a failed send may have reached the platform", () => {
  it("Telegram (grammY): a refused connection did not; a request left without an answer may have", async () => {
    const refused = await createTelegramApi("1:outcome", await closedPort(), { autoRetry: false })
      .sendMessage(1, "x")
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HttpError);
    expect(mayHaveReachedPlatform(refused)).toBe(false);

    telegram.hold();
    const slow = await createTelegramApi("1:outcome", telegram.url, { autoRetry: false, timeoutSeconds: 1 })
      .sendMessage(1, "x")
      .catch((error: unknown) => error);
    telegram.release();
    expect(slow).toBeInstanceOf(HttpError);
    expect(mayHaveReachedPlatform(slow)).toBe(true);
    expect(telegram.sent("sendMessage")).toHaveLength(1); // it did arrive
  });

  it("Viber (fetch): refused is viber_unreachable (retried); no answer is send_uncertain (not repeated)", async () => {
    const sender = { name: "TRM" };
    const refused = new ViberClient({ apiRoot: await closedPort(), authToken: "viber-outcome-token", sender });
    await expect(refused.sendMessage("someone", { type: "text", text: "x" })).rejects.toMatchObject({
      code: "viber_unreachable",
    });
    viber.hold();
    const slow = new ViberClient({ apiRoot: viber.url, authToken: "viber-outcome-token", sender, timeoutMs: 500 });
    await expect(slow.sendMessage("someone", { type: "text", text: "x" })).rejects.toMatchObject({
      code: "send_uncertain",
    });
    viber.release();
  });
});
