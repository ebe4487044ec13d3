import { FakeTelegramApi } from "../fakes/fake-telegram-api.ts";
import { probePlugins } from "./probe-flows.ts";
import { buildTestApp, testConfig, type TestApp } from "./test-runtime.ts";

export const TG_TOKEN = "123456789:AAExampleExampleExampleExampleExam";
export const TG_SECRET = "test_secret-123";

export interface TelegramHarness {
  t: TestApp;
  fake: FakeTelegramApi;
  /** POSTs an update to the webhook with the right secret; resolves with the HTTP status. */
  post(update: Record<string, unknown>, secret?: string | null): Promise<number>;
  close(): Promise<void>;
}

/** Environment that turns on Telegram in webhook mode, pointed at a fake Bot API. */
export function telegramEnv(apiRoot: string): Record<string, string> {
  return {
    TELEGRAM_MODE: "webhook",
    TELEGRAM_BOT_TOKEN: TG_TOKEN,
    TELEGRAM_WEBHOOK_SECRET: TG_SECRET,
    TELEGRAM_API_ROOT: apiRoot,
    PUBLIC_URL: "https://bot.example.test",
  };
}

/** The whole web app in Telegram webhook mode, talking to a fake Bot API on loopback. */
export async function telegramHarness(env: Record<string, string> = {}): Promise<TelegramHarness> {
  const fake = await new FakeTelegramApi(TG_TOKEN).start();
  const t = await buildTestApp({
    config: testConfig({ ...telegramEnv(fake.url), ...env }),
    plugins: probePlugins,
  });
  return {
    t,
    fake,
    async post(update, secret = TG_SECRET) {
      const response = await t.app.inject({
        method: "POST",
        url: "/webhooks/telegram",
        headers: secret === null ? {} : { "x-telegram-bot-api-secret-token": secret },
        payload: update,
      });
      return response.statusCode;
    },
    async close() {
      await t.close();
      await fake.stop();
    },
  };
}
