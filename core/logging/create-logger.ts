import { pino, type Logger, type LoggerOptions } from "pino";
import type { LogLevel } from "../config/load-config.ts";
import { scrubText } from "./scrub.ts";

export type { Logger } from "pino";

/** Fields whose value is always replaced, at any of the depths pino checks. */
const SENSITIVE_KEYS = [
  "token",
  "secret",
  "password",
  "authToken",
  "auth_token",
  "apiKey",
  "api_key",
  "encryptionKey",
  "phone",
  "phone_number",
  "phoneNumber",
  "nrc",
  "nrcNumber",
  "sign",
];

const SENSITIVE_HEADERS = [
  "authorization",
  "cookie",
  "set-cookie",
  "x-telegram-bot-api-secret-token",
  "x-viber-auth-token",
  "x-viber-content-signature",
];

export const REDACT_PATHS: string[] = [
  ...SENSITIVE_KEYS,
  ...SENSITIVE_KEYS.map((key) => `*.${key}`),
  ...SENSITIVE_KEYS.map((key) => `*.*.${key}`),
  ...SENSITIVE_HEADERS.map((header) => `req.headers["${header}"]`),
  ...SENSITIVE_HEADERS.map((header) => `headers["${header}"]`),
];

export interface LoggerSettings {
  level: LogLevel;
  /** Human-readable output for local mode; JSON lines otherwise. */
  pretty: boolean;
  /** Where to write; defaults to stdout. Tests pass a stream to read what was logged. */
  destination?: NodeJS.WritableStream;
}

/**
 * Builds the root logger. Secrets and personal numbers are removed twice: by
 * key (`redact`) and by pattern in message strings and error messages.
 */
export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    base: { pid: process.pid },
    serializers: {
      err: (error: unknown) => {
        const serialized = pino.stdSerializers.err(error as Error);
        if (typeof serialized.message === "string") serialized.message = scrubText(serialized.message);
        if (typeof serialized.stack === "string") serialized.stack = scrubText(serialized.stack);
        return serialized;
      },
    },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((arg: unknown) => (typeof arg === "string" ? scrubText(arg) : arg));
        method.apply(this, scrubbed as Parameters<typeof method>);
      },
    },
  };
  if (settings.destination !== undefined) return pino(options, settings.destination);
  if (settings.pretty) {
    return pino({
      ...options,
      transport: {
        target: "pino-pretty",
        options: { colorize: process.stdout.isTTY, translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname" },
      },
    });
  }
  return pino(options);
}
