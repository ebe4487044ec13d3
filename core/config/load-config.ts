import path from "node:path";
import type { S3Settings } from "../files/s3-bucket.ts";
import { AppError } from "../errors/app-error.ts";
import { parseQuietHours, type QuietHours } from "../notifications/quiet-hours.ts";
import { envSchema, type RawEnv } from "./env-schema.ts";

export type AppEnv = RawEnv["NODE_ENV"];
export type LogLevel = RawEnv["LOG_LEVEL"];

export type TelegramConfig =
  | { mode: "off"; apiRoot: string }
  | { mode: "polling"; apiRoot: string; token: string }
  | { mode: "webhook"; apiRoot: string; token: string; secret: string; webhookUrl: string };

export type ViberConfig =
  | { enabled: false; apiRoot: string }
  | {
      enabled: true;
      apiRoot: string;
      authToken: string;
      botName: string;
      avatar: string | undefined;
      webhookUrl: string;
    };

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

export interface Config {
  env: AppEnv;
  logLevel: LogLevel;
  http: {
    host: string;
    port: number;
    publicUrl: string | undefined;
    /** When set, `/metrics` answers only `Authorization: Bearer <token>` (required in production). */
    metricsToken: string | undefined;
  };
  /** `uri` undefined means "start local FerretDB" (local mode and tests only). */
  mongo: { uri: string | undefined };
  /**
   * `url` undefined (and no cluster) means "start a local redis-server" (local mode and tests only). `cluster`: the
   * seed nodes of a Redis Cluster (REDIS_CLUSTER_NODES), used instead of `url`.
   */
  redis: { url: string | undefined; prefix: string; cluster?: Array<{ host: string; port: number }> };
  telegram: TelegramConfig;
  viber: ViberConfig;
  admins: { telegramIds: string[]; viberIds: string[] };
  /** Oldest first; the last one encrypts new files. Empty only outside production. */
  encryptionKeys: EncryptionKey[];
  storageDir: string;
  /** Where the Burmese-capable chart font (Padauk) is. */
  chartFontDir: string;
  sandbox: boolean;
  /** Gateway API roots and credentials (unset credentials: that gateway's callbacks are refused). */
  gateways: {
    kbzpay: {
      apiRoot: string;
      pwaUrl: string;
      appId: string | undefined;
      merchCode: string | undefined;
      appKey: string | undefined;
    };
    wavepay: { apiRoot: string; merchantId: string | undefined; secret: string | undefined };
    ayapay: { apiRoot: string; appKey: string | undefined; appSecret: string | undefined };
  };
  /** Employer invoices per hire: amount = bonus + this percentage of it, due after `dueDays`. */
  invoices: { feePercent: number; dueDays: number };
  shutdownTimeoutMs: number;
  bot: { telegramUsername: string; viberChatUri: string; conversationTtlMs: number };
  alerts: { perDay: number };
  /** Updates one person may send in a window before the rest are dropped (a flood must not slow everyone). */
  inbound: { burst: number; windowSeconds: number };
  payouts: {
    min: number;
    maxPerRequest: number;
    maxPerDay: number;
    /**
     * Circuit breakers: a payout above `breakerPerPayout`, or more than `breakerPerHour` approved within a clock hour,
     * pauses payouts.
     */
    breakerPerPayout: number;
    breakerPerHour: number;
    /**
     * `manual`: finance pays from the provider's business app and records its transaction id; `sandbox`: paid at once
     * (local mode).
     */
    provider: "manual" | "sandbox";
  };
  /** KYC documents are deleted this many days after the decision. */
  kyc: { retentionDays: number };
  referrals: {
    perDay: number;
    /** Network commission per inviter level 1-3, in basis points of the bonus (10 % = 1000). */
    commissionBasisPoints: number[];
    /**
     * `invoice`: rewards become available when the employer's invoice is paid; `finance`: a finance admin releases
     * them.
     */
    release: "finance" | "invoice";
  };
  /** Where encrypted files live: a bucket when `s3` is set, else a folder under `storageDir`. */
  files: { s3: S3Settings | undefined };
  /** Daily backups: to a folder, or to an S3-compatible bucket when `s3` is set; the newest `retention` are kept. */
  backup: {
    dir: string;
    retention: number;
    s3: S3Settings | undefined;
    /** `worker`: the worker's daily job at 01:00 Yangon; `external`: a platform cron runs `npm run backup`. */
    schedule: "worker" | "external";
  };
  /** The worker process's own /health, /ready and /metrics (0: none). */
  workerHealthPort: number;
  notifications: {
    telegramPerSecond: number;
    telegramChatIntervalMs: number;
    viberPerSecond: number;
    /** How long a background send waits for the platform's answer before it counts as uncertain. */
    sendTimeoutSeconds: number;
    quietHours: QuietHours | undefined;
  };
}

/** Thrown when the environment is invalid; `problems` lists every one of them. */
export class ConfigError extends AppError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super("config_invalid", formatProblems(problems), { details: { problems } });
    this.problems = problems;
  }
}

function formatProblems(problems: string[]): string {
  const heading = `Invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):`;
  return [heading, ...problems.map((problem) => `  - ${problem}`), "See .env.example for every variable."].join("\n");
}

type Env = Record<string, string | undefined>;

const present = (env: Env, name: string): boolean => (env[name] ?? "").trim() !== "";

/**
 * Rules that tie several variables together; checked on the raw text so they are reported even when other variables are
 * malformed.
 */
function crossFieldProblems(env: Env): string[] {
  const problems: string[] = [];
  const mode = (env.TELEGRAM_MODE ?? "off").trim() || "off";
  const publicUrl = (env.PUBLIC_URL ?? "").trim();
  const isHttps = publicUrl.startsWith("https://");
  if (mode === "polling" || mode === "webhook") {
    if (!present(env, "TELEGRAM_BOT_TOKEN")) problems.push(`TELEGRAM_BOT_TOKEN: required when TELEGRAM_MODE=${mode}`);
  }
  if (mode === "webhook") {
    if (!present(env, "TELEGRAM_WEBHOOK_SECRET"))
      problems.push("TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_MODE=webhook");
    if (!isHttps) problems.push("PUBLIC_URL: an https:// URL is required when TELEGRAM_MODE=webhook");
  }
  if (present(env, "VIBER_AUTH_TOKEN") && !isHttps) {
    problems.push(
      "PUBLIC_URL: an https:// URL is required when VIBER_AUTH_TOKEN is set (Viber only calls https webhooks)",
    );
  }
  const gatewayKeys = ["KBZPAY_APP_KEY", "WAVEPAY_SECRET", "AYAPAY_APP_SECRET"].filter((name) => present(env, name));
  if (gatewayKeys.length > 0 && !isHttps) {
    problems.push(
      `PUBLIC_URL: an https:// URL is required when ${gatewayKeys.join(", ")} ` +
        `${gatewayKeys.length === 1 ? "is" : "are"} set (gateways call back over https)`,
    );
  }
  for (const area of ["BACKUP", "FILES"]) {
    if (!present(env, `${area}_S3_ENDPOINT`)) continue;
    for (const name of [`${area}_S3_BUCKET`, `${area}_S3_ACCESS_KEY_ID`, `${area}_S3_SECRET_ACCESS_KEY`])
      if (!present(env, name)) problems.push(`${name}: required when ${area}_S3_ENDPOINT is set`);
  }
  if ((env.NODE_ENV ?? "").trim() === "production") {
    for (const name of ["MONGODB_URI", "ENCRYPTION_KEY", "METRICS_TOKEN"]) {
      if (!present(env, name)) problems.push(`${name}: required when NODE_ENV=production`);
    }
    if (!present(env, "REDIS_URL") && !present(env, "REDIS_CLUSTER_NODES"))
      problems.push("REDIS_URL: required when NODE_ENV=production (or REDIS_CLUSTER_NODES for a Redis Cluster)");
    if (!present(env, "STORAGE_DIR") && !present(env, "FILES_S3_ENDPOINT"))
      problems.push("STORAGE_DIR: required when NODE_ENV=production (or FILES_S3_ENDPOINT for a bucket)");
    // The sandbox's gateway keys are in the code: a callback signed with them would settle a real invoice.
    if (
      /^(1|true|yes|on)$/i.test((env.SANDBOX ?? "").trim()) &&
      (env.SANDBOX_IN_PRODUCTION ?? "").trim() !== "i-understand"
    )
      problems.push(
        "SANDBOX: refused when NODE_ENV=production (its gateway keys and personas are public); " +
          "set SANDBOX_IN_PRODUCTION=i-understand only for a throwaway demo",
      );
  }
  return problems;
}

function decodeKeys(entries: string[], problems: string[]): EncryptionKey[] {
  const seen = new Set<string>();
  const keys: EncryptionKey[] = [];
  for (const entry of entries) {
    const [id = "", encoded = ""] = entry.split(":");
    if (seen.has(id)) problems.push(`ENCRYPTION_KEY: key id "${id}" appears twice`);
    seen.add(id);
    keys.push({ id, key: Buffer.from(encoded, "base64") });
  }
  return keys;
}

/**
 * Gateway settings; with the sandbox on, unset credentials get sandbox ones so the sandbox gateway page can sign real
 * callbacks.
 */
function gatewaysOf(raw: RawEnv, sandbox: boolean): Config["gateways"] {
  const pick = (value: string | undefined, fallback: string) => value ?? (sandbox ? fallback : undefined);
  return {
    kbzpay: {
      apiRoot: raw.KBZPAY_API_ROOT,
      pwaUrl: raw.KBZPAY_PWA_URL,
      appId: pick(raw.KBZPAY_APP_ID, "sandboxapp"),
      merchCode: pick(raw.KBZPAY_MERCH_CODE, "200001"),
      appKey: pick(raw.KBZPAY_APP_KEY, "sandbox-kbzpay-app-key"),
    },
    wavepay: {
      apiRoot: raw.WAVEPAY_API_ROOT,
      merchantId: pick(raw.WAVEPAY_MERCHANT_ID, "sandboxmerchant"),
      secret: pick(raw.WAVEPAY_SECRET, "sandbox-wavepay-secret"),
    },
    ayapay: {
      apiRoot: raw.AYAPAY_API_ROOT,
      appKey: pick(raw.AYAPAY_APP_KEY, "sandbox-aya-app-key"),
      appSecret: pick(raw.AYAPAY_APP_SECRET, "sandbox-aya-app-secret"),
    },
  };
}

/** A bucket's settings from `<area>_S3_*` (bucket and keys are required with the endpoint: checked above). */
function s3Of(raw: RawEnv, area: "FILES" | "BACKUP"): S3Settings | undefined {
  const endpoint = raw[`${area}_S3_ENDPOINT`];
  if (endpoint === undefined) return undefined;
  return {
    endpoint,
    bucket: raw[`${area}_S3_BUCKET`] ?? "",
    region: raw[`${area}_S3_REGION`],
    prefix: raw[`${area}_S3_PREFIX`],
    accessKeyId: raw[`${area}_S3_ACCESS_KEY_ID`] ?? "",
    secretAccessKey: raw[`${area}_S3_SECRET_ACCESS_KEY`] ?? "",
  };
}

const joinUrl = (base: string, suffix: string): string => `${base.replace(/\/+$/, "")}${suffix}`;

/**
 * Validates the environment once, at boot. Throws a {@link ConfigError} that
 * lists every problem at once (never only the first), so an operator fixes a
 * deployment in one go.
 */
export function loadConfig(env: Env = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = issue.path.length > 0 ? String(issue.path[0]) : "environment";
      problems.push(`${name}: ${issue.message}`);
    }
  }
  problems.push(...crossFieldProblems(env));
  if (!parsed.success) throw new ConfigError(dedupe(problems));

  const raw = parsed.data;
  const encryptionKeys = decodeKeys(raw.ENCRYPTION_KEY, problems);
  if (problems.length > 0) throw new ConfigError(dedupe(problems));

  const publicUrl = raw.PUBLIC_URL?.replace(/\/+$/, "");
  const telegram: TelegramConfig =
    raw.TELEGRAM_MODE === "webhook"
      ? {
          mode: "webhook",
          apiRoot: raw.TELEGRAM_API_ROOT,
          token: raw.TELEGRAM_BOT_TOKEN ?? "",
          secret: raw.TELEGRAM_WEBHOOK_SECRET ?? "",
          webhookUrl: joinUrl(publicUrl ?? "", "/webhooks/telegram"),
        }
      : raw.TELEGRAM_MODE === "polling"
        ? { mode: "polling", apiRoot: raw.TELEGRAM_API_ROOT, token: raw.TELEGRAM_BOT_TOKEN ?? "" }
        : { mode: "off", apiRoot: raw.TELEGRAM_API_ROOT };
  const viber: ViberConfig =
    raw.VIBER_AUTH_TOKEN === undefined
      ? { enabled: false, apiRoot: raw.VIBER_API_ROOT }
      : {
          enabled: true,
          apiRoot: raw.VIBER_API_ROOT,
          authToken: raw.VIBER_AUTH_TOKEN,
          botName: raw.VIBER_BOT_NAME,
          avatar: raw.VIBER_BOT_AVATAR,
          webhookUrl: joinUrl(publicUrl ?? "", "/webhooks/viber"),
        };

  return {
    env: raw.NODE_ENV,
    logLevel: raw.LOG_LEVEL,
    http: { host: raw.HOST, port: raw.PORT, publicUrl, metricsToken: raw.METRICS_TOKEN },
    mongo: { uri: raw.MONGODB_URI },
    redis: {
      url: raw.REDIS_URL,
      prefix: raw.REDIS_PREFIX,
      ...(raw.REDIS_CLUSTER_NODES.length === 0
        ? {}
        : {
            cluster: raw.REDIS_CLUSTER_NODES.map((node) => {
              const at = node.lastIndexOf(":");
              return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
            }),
          }),
    },
    telegram,
    viber,
    admins: { telegramIds: raw.ADMIN_TELEGRAM_IDS, viberIds: raw.ADMIN_VIBER_IDS },
    encryptionKeys,
    storageDir: path.resolve(raw.STORAGE_DIR ?? ".data/storage"),
    chartFontDir: raw.CHART_FONT_DIR ?? "/usr/share/fonts/truetype/padauk",
    files: { s3: s3Of(raw, "FILES") },
    workerHealthPort: raw.WORKER_HEALTH_PORT,
    backup: {
      dir: path.resolve(raw.BACKUP_DIR ?? ".data/backups"),
      retention: raw.BACKUP_RETENTION,
      schedule: raw.BACKUP_SCHEDULE,
      s3: s3Of(raw, "BACKUP"),
    },
    sandbox: raw.SANDBOX ?? raw.NODE_ENV !== "production",
    gateways: gatewaysOf(raw, raw.SANDBOX ?? raw.NODE_ENV !== "production"),
    invoices: { feePercent: raw.INVOICE_FEE_PERCENT, dueDays: raw.INVOICE_DUE_DAYS },
    shutdownTimeoutMs: raw.SHUTDOWN_TIMEOUT_MS,
    bot: {
      telegramUsername: raw.TELEGRAM_BOT_USERNAME,
      viberChatUri: raw.VIBER_CHAT_URI,
      conversationTtlMs: Math.round(raw.CONVERSATION_TTL_HOURS * 3_600_000),
    },
    alerts: { perDay: raw.ALERTS_PER_DAY },
    inbound: { burst: raw.INBOUND_BURST, windowSeconds: raw.INBOUND_WINDOW_SECONDS },
    kyc: { retentionDays: raw.KYC_RETENTION_DAYS },
    payouts: {
      min: raw.PAYOUT_MIN,
      maxPerRequest: raw.PAYOUT_MAX_PER_REQUEST,
      maxPerDay: raw.PAYOUT_MAX_PER_DAY,
      breakerPerPayout: raw.PAYOUT_BREAKER_PER_PAYOUT,
      breakerPerHour: raw.PAYOUT_BREAKER_PER_HOUR,
      provider: raw.PAYOUT_PROVIDER,
    },
    referrals: {
      perDay: raw.REFERRALS_PER_DAY,
      commissionBasisPoints: raw.NETWORK_COMMISSION_PERCENT.split(",").map((part) =>
        Math.round(Number(part.trim()) * 100),
      ),
      release: raw.REWARDS_RELEASE,
    },
    notifications: {
      telegramPerSecond: raw.NOTIFY_TELEGRAM_PER_SECOND,
      telegramChatIntervalMs: raw.NOTIFY_TELEGRAM_CHAT_INTERVAL_MS,
      viberPerSecond: raw.NOTIFY_VIBER_PER_SECOND,
      sendTimeoutSeconds: raw.SEND_TIMEOUT_SECONDS,
      quietHours: parseQuietHours(raw.QUIET_HOURS),
    },
  };
}

function dedupe(problems: string[]): string[] {
  return [...new Set(problems)];
}
