import mongoose from "mongoose";
import { randomUUID } from "node:crypto";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { createTelegramChannel, type TelegramChannel } from "../bots/channels/telegram/telegram-channel.ts";
import { createSandboxChannel, type SandboxChannel } from "../bots/channels/sandbox/sandbox-channel.ts";
import { createViberChannel, type ViberChannel } from "../bots/channels/viber/viber-channel.ts";
import { createBot, type Bot, type BotDeps } from "../bots/create-bot.ts";
import type { Core } from "../core/app/create-core.ts";
import type { Runtime } from "../jobs/runtime/create-runtime.ts";
import { lazyChild } from "../core/logging/lazy-child.ts";
import type { Logger } from "../core/logging/create-logger.ts";
import { installErrorShape } from "./plugins/error-shape.ts";
import { installSecurityHeaders } from "./plugins/security-headers.ts";
import { createMetrics, installRequestMetrics, type Metrics } from "./plugins/metrics.ts";
import { healthRoutes } from "./routes/health-routes.ts";
import { mediaRoutes } from "./routes/media-routes.ts";
import { paymentWebhookRoutes } from "./routes/payment-webhooks.ts";
import { payPageRoutes } from "./routes/pay-pages.ts";
import { sandboxGatewayRoutes } from "./sandbox-gateway/sandbox-gateway-routes.ts";
import { telegramWebhookRoute } from "./routes/telegram-webhook.ts";
import { sandboxRoutes } from "./routes/sandbox-routes.ts";
import { viberWebhookRoute } from "./routes/viber-webhook.ts";

/**
 * Telegram updates and Viber callbacks are small (Viber caps a message at 30 KB); 1 MiB leaves room and stops abuse.
 */
export const BODY_LIMIT_BYTES = 1024 * 1024;

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

export interface Channels {
  telegram?: TelegramChannel;
  viber?: ViberChannel;
  sandbox?: SandboxChannel;
}

export interface WebApp {
  app: FastifyInstance;
  core: Core;
  metrics: Metrics;
  bot: Bot;
  channels: Channels;
  /** Once the server listens: register webhooks and command menus, start polling. Returns what to stop at shutdown. */
  onListening(): Promise<() => Promise<void>>;
}

/**
 * Builds the web service for one runtime. Nothing listens yet: tests call
 * `app.inject` or `app.listen({ port: 0 })`; {@link startWeb} listens for real.
 * Feature routes (channels, gateways, sandbox) are registered in the order
 * the product needs, catch-all handlers last.
 */
export async function buildServer(runtime: Runtime, core: Core, plugins?: BotDeps["plugins"]): Promise<WebApp> {
  const app = Fastify({
    // pino's Logger and Fastify's base logger differ in one optional field; without
    // the cast Fastify infers a logger-specific instance type that plugins do not accept.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    loggerInstance: runtime.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    // Accept a caller's request id when it is sane; otherwise make one.
    genReqId: (request) => {
      const given = request.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Requests are counted in /metrics and logged at debug level by our own hook below.
    logController: new LogController({ requestIdLogLabel: "reqId", disableRequestLogging: true }),
    // Each request's logger (with its reqId) is made only if the request logs something.
    childLoggerFactory: (logger, bindings, options) => lazyChild(logger as Logger, bindings, options),
    return503OnClosing: true,
    forceCloseConnections: "idle",
  });
  const metrics = createMetrics(runtime.queues, core, () => ({
    mongodb: runtime.mongo.readyState === mongoose.ConnectionStates.connected,
    redis: runtime.redis.status === "ready",
  }));

  installSecurityHeaders(app);
  installErrorShape(app);
  installRequestMetrics(app, metrics);
  app.addHook("onSend", async (request, reply) => {
    void reply.header("x-request-id", request.id);
  });
  app.addHook("onResponse", async (request, reply) => {
    request.log.debug(
      { method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      "request",
    );
  });

  await app.register(healthRoutes(runtime, metrics));

  const { config, logger } = runtime;
  const bot = createBot({
    core,
    redis: runtime.redis,
    logger,
    plugins,
    onDenied: (action) => metrics.adminDenied.inc({ action }),
  });
  await app.register(mediaRoutes(core.media.links, core.media.vault));
  await app.register(paymentWebhookRoutes(core.callbacks, metrics.callbackDuration));
  await app.register(payPageRoutes(core.invoices, config.gateways, config.http.publicUrl, core.translator));
  if (config.sandbox)
    await app.register(
      sandboxGatewayRoutes(core.invoices, runtime.redis, config.redis.prefix, config.gateways, core.translator),
    );
  const stopCatalog = await core.catalog.start();
  app.addHook("onClose", stopCatalog);
  const channels: Channels = {};
  if (config.telegram.mode !== "off") {
    channels.telegram = createTelegramChannel(config.telegram, bot, logger, {
      redis: runtime.redis,
      prefix: config.redis.prefix,
      keys: config.encryptionKeys,
    });
    if (config.telegram.mode === "webhook")
      await app.register(telegramWebhookRoute(channels.telegram, config.telegram.secret));
  }

  if (config.viber.enabled) {
    const receipts = metrics.channelReceipts;
    channels.viber = createViberChannel(config.viber, bot, logger, (event) =>
      receipts.inc({ channel: "viber", event }),
    );
    await app.register(viberWebhookRoute(channels.viber, config.viber.authToken));
  }

  if (config.sandbox) {
    channels.sandbox = createSandboxChannel(bot, runtime.redis, config.redis.prefix);
    await app.register(sandboxRoutes(channels.sandbox, core.translator));
  }

  const onListening = async (): Promise<() => Promise<void>> => {
    const stops: Array<() => Promise<void>> = [];
    if (channels.telegram !== undefined) {
      await channels.telegram.setup();
      if (config.telegram.mode === "polling") stops.push(channels.telegram.startPolling());
    }
    if (channels.viber !== undefined) await channels.viber.setup();
    return async () => {
      for (const stop of stops) await stop();
    };
  };
  return { app, core, metrics, bot, channels, onListening };
}

/** Listens on HOST:PORT and makes "stop accepting requests" the first shutdown step. */
export async function startWeb(runtime: Runtime, core: Core): Promise<WebApp & { url: string }> {
  const web = await buildServer(runtime, core);
  const url = await web.app.listen({ host: runtime.config.http.host, port: runtime.config.http.port });
  runtime.shutdown.add("intake", "http server", () => web.app.close());
  const stopChannels = await web.onListening();
  runtime.shutdown.add("intake", "channel polling", stopChannels);
  return { ...web, url };
}
