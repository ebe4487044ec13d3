import { z } from "zod";

/**
 * The one schema over the process environment. Every variable is documented in
 * `.env.example`; keep the two in step (a test checks that they list the same names).
 */
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const emptyToUndefined = (value: unknown): unknown =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

const optionalString = z.preprocess(emptyToUndefined, z.string().trim().optional());

const optionalUrl = (protocols: readonly string[], hint: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .refine((value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      }, `must be a URL starting with ${hint}`)
      .optional(),
  );

const httpUrl = (fallback: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .default(fallback)
      .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), "must be an http(s) URL")
      .transform((value) => value.replace(/\/+$/, "")),
  );

const booleanFlag = z.preprocess(
  emptyToUndefined,
  z
    .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
    .transform((value) => value === "true" || value === "1" || value === "yes")
    .optional(),
);

const idList = (item: z.ZodString, what: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .optional()
      .transform((value) =>
        (value ?? "")
          .split(",")
          .map((part) => part.trim())
          .filter((part) => part.length > 0),
      )
      .pipe(z.array(item.describe(what))),
  );

export const TELEGRAM_TOKEN_PATTERN = /^\d{5,20}:[A-Za-z0-9_-]{30,64}$/;
export const TELEGRAM_SECRET_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;
/** `<keyId>:<base64 of 32 bytes>`, comma-separated; the last key encrypts new files. */
const ENCRYPTION_KEY_PATTERN = /^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/]{43}=$/;

export const envSchema = z.object({
  NODE_ENV: z.preprocess(emptyToUndefined, z.enum(["development", "production", "test"]).default("development")),
  MONGODB_URI: optionalUrl(["mongodb:", "mongodb+srv:"], "mongodb:// or mongodb+srv://"),
  REDIS_URL: optionalUrl(["redis:", "rediss:"], "redis:// or rediss://"),
  /** A Redis Cluster instead of REDIS_URL: its seed nodes as `host:port,host:port,…`. */
  REDIS_CLUSTER_NODES: idList(z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, "each node must be host:port"), "host:port"),
  REDIS_PREFIX: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/, "must be 1-40 characters of A-Z a-z 0-9 _ -")
      .default("trm"),
  ),
  HOST: z.preprocess(emptyToUndefined, z.string().trim().min(1).default("127.0.0.1")),
  PORT: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: "must be a whole number from 0 to 65535" })
      .int("must be a whole number from 0 to 65535")
      .min(0, "must be a whole number from 0 to 65535")
      .max(65535, "must be a whole number from 0 to 65535")
      .default(3000),
  ),
  PUBLIC_URL: optionalUrl(["https:", "http:"], "https://"),
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(LOG_LEVELS).default("info")),
  TELEGRAM_MODE: z.preprocess(emptyToUndefined, z.enum(["off", "polling", "webhook"]).default("off")),
  TELEGRAM_BOT_TOKEN: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .regex(TELEGRAM_TOKEN_PATTERN, "must look like 123456789:AA... (the token from @BotFather)")
      .optional(),
  ),
  TELEGRAM_WEBHOOK_SECRET: z.preprocess(
    emptyToUndefined,
    z.string().regex(TELEGRAM_SECRET_PATTERN, "must be 1-256 characters of A-Z a-z 0-9 _ -").optional(),
  ),
  TELEGRAM_API_ROOT: httpUrl("https://api.telegram.org"),
  TELEGRAM_BOT_USERNAME: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]{3,31}$/, "must be the bot's @username without the @")
      .default("TRMJobsBot"),
  ),
  VIBER_AUTH_TOKEN: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9-]{20,80}$/, "must be the token from the Viber admin panel")
      .optional(),
  ),
  VIBER_API_ROOT: httpUrl("https://chatapi.viber.com/pa"),
  VIBER_BOT_NAME: z.preprocess(
    emptyToUndefined,
    z.string().trim().min(1).max(28, "Viber allows at most 28 characters").default("TRM Jobs"),
  ),
  VIBER_BOT_AVATAR: optionalUrl(["https:", "http:"], "https://"),
  VIBER_CHAT_URI: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be the bot's chat URI")
      .default("trmjobs"),
  ),
  CONVERSATION_TTL_HOURS: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: "must be a number of hours" })
      .min(0.0001)
      .max(24 * 30)
      .default(24),
  ),
  ADMIN_TELEGRAM_IDS: idList(z.string().regex(/^\d{1,20}$/, "each id must be a number"), "Telegram user id"),
  ADMIN_VIBER_IDS: idList(
    z.string().regex(/^[A-Za-z0-9+/=]{8,64}$/, "each id must be a Viber user id"),
    "Viber user id",
  ),
  ENCRYPTION_KEY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .optional()
      .transform((value) => (value === undefined ? [] : value.split(",").map((part) => part.trim())))
      .pipe(z.array(z.string().regex(ENCRYPTION_KEY_PATTERN, "each key must be <keyId>:<base64 of 32 bytes>"))),
  ),
  STORAGE_DIR: optionalString,
  /** Folder with the Padauk font files for /stats charts (Debian fonts-sil-padauk). */
  CHART_FONT_DIR: optionalString,
  INBOUND_BURST: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: "must be a whole number" }).int().min(1).max(10_000).default(10),
  ),
  INBOUND_WINDOW_SECONDS: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: "must be a whole number of seconds" }).int().min(1).max(3600).default(5),
  ),
  SANDBOX: booleanFlag,
  SANDBOX_IN_PRODUCTION: optionalString,
  METRICS_TOKEN: z.preprocess(emptyToUndefined, z.string().min(16, "must be at least 16 characters").optional()),
  KBZPAY_API_ROOT: httpUrl("https://api.kbzpay.com/payment/gateway"),
  WAVEPAY_API_ROOT: httpUrl("https://payments.wavemoney.io"),
  AYAPAY_API_ROOT: httpUrl("https://pgw.ayainnovation.com"),
  // Kept exactly as given: the PWA checkout's address ends in `#/`.
  KBZPAY_PWA_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .regex(/^https?:\/\/\S+$/, "must be an http(s) URL")
      .default("https://wap.kbzpay.com/pgw/pwa/#/"),
  ),
  KBZPAY_APP_ID: optionalString,
  KBZPAY_MERCH_CODE: optionalString,
  KBZPAY_APP_KEY: optionalString,
  WAVEPAY_MERCHANT_ID: optionalString,
  WAVEPAY_SECRET: optionalString,
  AYAPAY_APP_KEY: optionalString,
  AYAPAY_APP_SECRET: optionalString,
  INVOICE_FEE_PERCENT: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: "must be a percentage" }).min(0).max(100).default(20),
  ),
  INVOICE_DUE_DAYS: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: "must be a number of days" }).int().min(1).max(90).default(7),
  ),
  NOTIFY_TELEGRAM_PER_SECOND: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: "must be a number" }).int().min(1).max(1000).default(30),
  ),
  NOTIFY_TELEGRAM_CHAT_INTERVAL_MS: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: "must be a number" }).int().min(0).max(60_000).default(1000),
  ),
  NOTIFY_VIBER_PER_SECOND: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: "must be a number" }).int().min(1).max(1000).default(20),
  ),
  SEND_TIMEOUT_SECONDS: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: "must be a whole number of seconds" }).int().min(1).max(600).default(75),
  ),
  ALERTS_PER_DAY: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: "must be a number" }).int().min(1).max(100).default(3),
  ),
  REFERRALS_PER_DAY: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: "must be a number" }).int().min(1).max(1000).default(10),
  ),
  NETWORK_COMMISSION_PERCENT: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        /^\s*\d{1,2}(\.\d{1,2})?\s*(,\s*\d{1,2}(\.\d{1,2})?\s*){0,2}$/,
        "must be up to three percentages for levels 1-3, e.g. 10,5,2",
      )
      .default("10,5,2"),
  ),
  REWARDS_RELEASE: z.preprocess(
    emptyToUndefined,
    z.enum(["finance", "invoice"], { message: "must be finance or invoice" }).default("finance"),
  ),
  PAYOUT_MIN: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: "must be a whole number of kyat" }).int().min(1).max(1_000_000_000).default(5_000),
  ),
  PAYOUT_MAX_PER_REQUEST: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: "must be a whole number of kyat" }).int().min(1).max(1_000_000_000).default(1_000_000),
  ),
  PAYOUT_MAX_PER_DAY: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: "must be a whole number of kyat" }).int().min(1).max(1_000_000_000).default(5_000_000),
  ),
  PAYOUT_BREAKER_PER_PAYOUT: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: "must be a whole number of kyat" }).int().min(1).max(1_000_000_000).default(1_000_000),
  ),
  PAYOUT_BREAKER_PER_HOUR: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: "must be a whole number of kyat" }).int().min(1).max(1_000_000_000).default(10_000_000),
  ),
  PAYOUT_PROVIDER: z.preprocess(
    emptyToUndefined,
    z.enum(["manual", "sandbox"], { message: "must be manual or sandbox" }).default("manual"),
  ),
  FILES_S3_ENDPOINT: optionalUrl(["http:", "https:"], "http:// or https://"),
  FILES_S3_BUCKET: optionalString,
  FILES_S3_REGION: z.preprocess(emptyToUndefined, z.string().trim().default("us-east-1")),
  FILES_S3_PREFIX: z.preprocess(emptyToUndefined, z.string().trim().default("files/")),
  FILES_S3_ACCESS_KEY_ID: optionalString,
  FILES_S3_SECRET_ACCESS_KEY: optionalString,
  WORKER_HEALTH_PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65_535).default(0)),
  BACKUP_SCHEDULE: z.preprocess(
    emptyToUndefined,
    z.enum(["worker", "external"], { message: "must be worker or external" }).default("worker"),
  ),
  BACKUP_DIR: optionalString,
  BACKUP_RETENTION: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: "must be a number of backups" }).int().min(1).max(3650).default(30),
  ),
  BACKUP_S3_ENDPOINT: optionalUrl(["http:", "https:"], "http:// or https://"),
  BACKUP_S3_BUCKET: optionalString,
  BACKUP_S3_REGION: z.preprocess(emptyToUndefined, z.string().trim().default("us-east-1")),
  BACKUP_S3_PREFIX: z.preprocess(emptyToUndefined, z.string().trim().default("trm/")),
  BACKUP_S3_ACCESS_KEY_ID: optionalString,
  BACKUP_S3_SECRET_ACCESS_KEY: optionalString,
  KYC_RETENTION_DAYS: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: "must be a number of days" }).int().min(1).max(3650).default(90),
  ),
  QUIET_HOURS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^(off|([01]?\d|2[0-3]):[0-5]\d-([01]?\d|2[0-3]):[0-5]\d)$/, "must be HH:MM-HH:MM (Yangon time) or off")
      .default("22:00-07:00"),
  ),
  SHUTDOWN_TIMEOUT_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1000).max(600_000).default(30_000)),
});

export type RawEnv = z.output<typeof envSchema>;
