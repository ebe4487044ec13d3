import { FakeTelegramApi } from "../fakes/fake-telegram-api.ts";
import { FakeViberApi } from "../fakes/fake-viber-api.ts";
import { signViber } from "../fakes/viber-events.ts";
import { probePlugins } from "./probe-flows.ts";
import { channelEnv, VB_TOKEN } from "./channel-env.ts";
import { TG_SECRET, TG_TOKEN } from "./telegram-harness.ts";
import { buildTestApp, testConfig, type TestApp } from "./test-runtime.ts";

export { VB_TOKEN } from "./channel-env.ts";

export interface ViberHarness {
  t: TestApp;
  viber: FakeViberApi;
  telegram: FakeTelegramApi;
  /** Welcome messages given in answers to `conversation_started` (the only message Viber lets through before). */
  welcomes: Array<{ receiver: string; body: Record<string, unknown>; at: number }>;
  /** POSTs raw callback text, signed unless told otherwise; resolves with status and parsed body. */
  post(raw: string, signature?: string | null): Promise<{ status: number; body: Record<string, unknown> }>;
  postTelegram(update: Record<string, unknown>): Promise<number>;
  close(): Promise<void>;
}

/** The whole web app with Viber and Telegram both on, each talking to its fake API. */
export async function viberHarness(
  env: Record<string, string> = {},
  options: { clock?: () => Date } = {},
): Promise<ViberHarness> {
  const viber = await new FakeViberApi(VB_TOKEN).start();
  const telegram = await new FakeTelegramApi(TG_TOKEN).start();
  const t = await buildTestApp({
    config: testConfig({ ...channelEnv(telegram.url, viber.url), ...env }),
    plugins: probePlugins,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const welcomes: ViberHarness["welcomes"] = [];
  return {
    t,
    viber,
    telegram,
    welcomes,
    async post(raw, signature) {
      // Viber lets the bot message someone once they subscribed or wrote (the fake refuses others with status 6).
      const event = JSON.parse(raw) as { event?: string; sender?: { id?: string }; user?: { id?: string } };
      if (event.event === "message" && event.sender?.id !== undefined) viber.subscribe(event.sender.id);
      if (event.event === "subscribed" && event.user?.id !== undefined) viber.subscribe(event.user.id);
      const headers: Record<string, string> = { "content-type": "application/json" };
      const sig = signature === undefined ? signViber(VB_TOKEN, raw) : signature;
      if (sig !== null) headers["x-viber-content-signature"] = sig;
      const response = await t.app.inject({ method: "POST", url: "/webhooks/viber", headers, payload: raw });
      const body = response.body === "" ? {} : response.json<Record<string, unknown>>();
      if (event.event === "conversation_started" && event.user?.id !== undefined && Object.keys(body).length > 0)
        welcomes.push({ receiver: event.user.id, body, at: Date.now() });
      return { status: response.statusCode, body };
    },
    async postTelegram(update) {
      const response = await t.app.inject({
        method: "POST",
        url: "/webhooks/telegram",
        headers: { "x-telegram-bot-api-secret-token": TG_SECRET },
        payload: update,
      });
      return response.statusCode;
    },
    async close() {
      await t.close();
      await viber.stop();
      await telegram.stop();
    },
  };
}
