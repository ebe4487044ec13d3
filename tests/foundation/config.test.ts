import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../core/config/load-config.ts";
import { envSchema } from "../../core/config/env-schema.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const TOKEN = "123456789:AAExampleExampleExampleExampleExam";
const KEY = `k1:${Buffer.alloc(32, 7).toString("base64")}`;
const VIBER_TOKEN = "4453b6ac12345678-e02c5f12174805f9-daec9cbb5448c51f";

const PRODUCTION = {
  NODE_ENV: "production",
  MONGODB_URI: "mongodb://db.internal:27017/trm?replicaSet=rs0",
  REDIS_URL: "redis://redis.internal:6379",
  ENCRYPTION_KEY: KEY,
  STORAGE_DIR: "/var/lib/trm",
  PUBLIC_URL: "https://bot.example.com",
  TELEGRAM_MODE: "webhook",
  TELEGRAM_BOT_TOKEN: TOKEN,
  TELEGRAM_WEBHOOK_SECRET: "s3cret_Value-1",
  VIBER_AUTH_TOKEN: VIBER_TOKEN,
  ADMIN_TELEGRAM_IDS: "111, 222",
  ADMIN_VIBER_IDS: "01234567890A=",
  METRICS_TOKEN: "metrics-token-0123456789",
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected the configuration to be refused");
}

/** Reads KEY=VALUE lines the way a shell or docker --env-file would. */
function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match?.[1] !== undefined) env[match[1]] = match[2] ?? "";
  }
  return env;
}

describe("configuration", () => {
  it("boots with nothing set, on local defaults", () => {
    const config = loadConfig({});
    expect(config.env).toBe("development");
    expect(config.http).toEqual({ host: "127.0.0.1", port: 3000, publicUrl: undefined });
    expect(config.telegram).toEqual({ mode: "off", apiRoot: "https://api.telegram.org" });
    expect(config.viber.enabled).toBe(false);
    expect(config.sandbox).toBe(true);
    expect(config.mongo.uri).toBeUndefined();
  });

  it("builds a complete production config, discriminated per channel", () => {
    const config = loadConfig(PRODUCTION);
    expect(config.telegram).toEqual({
      mode: "webhook",
      apiRoot: "https://api.telegram.org",
      token: TOKEN,
      secret: "s3cret_Value-1",
      webhookUrl: "https://bot.example.com/webhooks/telegram",
    });
    expect(config.viber).toMatchObject({
      enabled: true,
      authToken: VIBER_TOKEN,
      webhookUrl: "https://bot.example.com/webhooks/viber",
    });
    expect(config.admins).toEqual({ telegramIds: ["111", "222"], viberIds: ["01234567890A="] });
    expect(config.encryptionKeys).toHaveLength(1);
    expect(config.encryptionKeys[0]?.key.length).toBe(32);
    expect(config.sandbox).toBe(false);
  });

  it("takes API roots from the environment so tests can point them at local fakes", () => {
    const config = loadConfig({
      TELEGRAM_API_ROOT: "http://127.0.0.1:9001/",
      VIBER_API_ROOT: "http://127.0.0.1:9002/pa",
      KBZPAY_API_ROOT: "http://127.0.0.1:9003",
      WAVEPAY_API_ROOT: "http://127.0.0.1:9004",
      AYAPAY_API_ROOT: "http://127.0.0.1:9005",
    });
    expect(config.telegram.apiRoot).toBe("http://127.0.0.1:9001");
    expect(config.viber.apiRoot).toBe("http://127.0.0.1:9002/pa");
    expect(Object.values(config.gateways).map((gateway) => gateway.apiRoot)).toEqual([
      "http://127.0.0.1:9003",
      "http://127.0.0.1:9004",
      "http://127.0.0.1:9005",
    ]);
  });

  it("polling needs only the token", () => {
    expect(loadConfig({ TELEGRAM_MODE: "polling", TELEGRAM_BOT_TOKEN: TOKEN }).telegram).toMatchObject({
      mode: "polling",
      token: TOKEN,
    });
  });

  const BAD_CASES: Array<[string, Record<string, string>, RegExp]> = [
    ["PORT not a number", { PORT: "abc" }, /^PORT:/],
    ["PORT out of range", { PORT: "70000" }, /^PORT:/],
    ["unknown NODE_ENV", { NODE_ENV: "staging" }, /^NODE_ENV:/],
    ["unknown LOG_LEVEL", { LOG_LEVEL: "loud" }, /^LOG_LEVEL:/],
    ["unknown TELEGRAM_MODE", { TELEGRAM_MODE: "sometimes" }, /^TELEGRAM_MODE:/],
    [
      "polling without a token",
      { TELEGRAM_MODE: "polling" },
      /^TELEGRAM_BOT_TOKEN: required when TELEGRAM_MODE=polling/,
    ],
    ["malformed token", { TELEGRAM_MODE: "polling", TELEGRAM_BOT_TOKEN: "not-a-token" }, /^TELEGRAM_BOT_TOKEN:/],
    ["webhook without a secret", { ...PRODUCTION, TELEGRAM_WEBHOOK_SECRET: "" }, /^TELEGRAM_WEBHOOK_SECRET: required/],
    [
      "secret with a forbidden character",
      { ...PRODUCTION, TELEGRAM_WEBHOOK_SECRET: "abc def" },
      /^TELEGRAM_WEBHOOK_SECRET: must be 1-256/,
    ],
    [
      "secret longer than 256",
      { ...PRODUCTION, TELEGRAM_WEBHOOK_SECRET: "a".repeat(257) },
      /^TELEGRAM_WEBHOOK_SECRET: must be 1-256/,
    ],
    [
      "webhook without PUBLIC_URL",
      { ...PRODUCTION, PUBLIC_URL: "" },
      /^PUBLIC_URL: an https:\/\/ URL is required when TELEGRAM_MODE=webhook/,
    ],
    [
      "webhook with an http PUBLIC_URL",
      { ...PRODUCTION, PUBLIC_URL: "http://bot.example.com" },
      /^PUBLIC_URL: an https/,
    ],
    [
      "Viber without PUBLIC_URL",
      { VIBER_AUTH_TOKEN: VIBER_TOKEN },
      /^PUBLIC_URL: an https:\/\/ URL is required when VIBER_AUTH_TOKEN/,
    ],
    [
      "gateway credentials without an https PUBLIC_URL",
      { KBZPAY_APP_KEY: "k", WAVEPAY_SECRET: "s" },
      /^PUBLIC_URL: an https:\/\/ URL is required when KBZPAY_APP_KEY, WAVEPAY_SECRET are set/,
    ],
    ["Viber sender name too long", { VIBER_BOT_NAME: "x".repeat(29) }, /^VIBER_BOT_NAME: Viber allows at most 28/],
    ["MONGODB_URI not a mongodb URL", { MONGODB_URI: "http://db:27017" }, /^MONGODB_URI:/],
    ["REDIS_URL not a redis URL", { REDIS_URL: "localhost:6379" }, /^REDIS_URL:/],
    ["admin id not a number", { ADMIN_TELEGRAM_IDS: "123,abc" }, /^ADMIN_TELEGRAM_IDS:/],
    ["malformed encryption key", { ENCRYPTION_KEY: "k1:short" }, /^ENCRYPTION_KEY:/],
    ["repeated encryption key id", { ENCRYPTION_KEY: `${KEY},${KEY}` }, /^ENCRYPTION_KEY: key id "k1" appears twice/],
    ["SANDBOX not a boolean", { SANDBOX: "maybe" }, /^SANDBOX:/],
    ["API root not a URL", { TELEGRAM_API_ROOT: "api.telegram.org" }, /^TELEGRAM_API_ROOT:/],
    ["production without its services", { NODE_ENV: "production" }, /^MONGODB_URI: required when NODE_ENV=production/],
    [
      "production without a metrics token",
      { NODE_ENV: "production" },
      /^METRICS_TOKEN: required when NODE_ENV=production/,
    ],
    ["a short metrics token", { METRICS_TOKEN: "short" }, /^METRICS_TOKEN: must be at least 16 characters/],
  ];

  it("refuses the sandbox in production unless SANDBOX_IN_PRODUCTION=i-understand", () => {
    expect(problemsOf({ ...PRODUCTION, SANDBOX: "true" })).toEqual([
      expect.stringMatching(/^SANDBOX: refused when NODE_ENV=production/),
    ]);
    expect(loadConfig({ ...PRODUCTION, SANDBOX: "true", SANDBOX_IN_PRODUCTION: "i-understand" }).sandbox).toBe(true);
    expect(loadConfig(PRODUCTION).sandbox).toBe(false);
  });

  it.each(BAD_CASES)("refuses %s", (_name, env, expected) => {
    const problems = problemsOf(env);
    expect(
      problems.some((problem) => expected.test(problem)),
      problems.join("\n"),
    ).toBe(true);
  });

  it("lists every problem at once, not only the first", () => {
    const problems = problemsOf({ PORT: "x", LOG_LEVEL: "loud", TELEGRAM_MODE: "webhook", NODE_ENV: "production" });
    const names = new Set(problems.map((problem) => problem.split(":")[0]));
    for (const name of [
      "PORT",
      "LOG_LEVEL",
      "TELEGRAM_BOT_TOKEN",
      "TELEGRAM_WEBHOOK_SECRET",
      "PUBLIC_URL",
      "MONGODB_URI",
      "REDIS_URL",
      "ENCRYPTION_KEY",
      "STORAGE_DIR",
    ]) {
      expect(names, problems.join("\n")).toContain(name);
    }
  });

  it("documents exactly the variables it reads in .env.example, and the example itself is valid", () => {
    const example = parseEnvFile(readFileSync(path.join(ROOT, ".env.example"), "utf8"));
    expect(Object.keys(example).sort()).toEqual(Object.keys(envSchema.shape).sort());
    expect(() => loadConfig(example)).not.toThrow();
  });

  it("stops the boot with the list of problems, a non-zero exit and no stack trace", () => {
    const result = spawnSync(process.execPath, [path.join(ROOT, "webhooks/main.ts")], {
      env: { PATH: process.env.PATH, PORT: "abc", TELEGRAM_MODE: "webhook" },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain("Invalid configuration (4 problems):");
    expect(result.stderr).toContain("  - PORT:");
    expect(result.stderr).toContain("  - TELEGRAM_BOT_TOKEN: required when TELEGRAM_MODE=webhook");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
