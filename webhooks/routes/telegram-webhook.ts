import type { FastifyInstance } from "fastify";
import type { TelegramChannel } from "../../bots/channels/telegram/telegram-channel.ts";
import { errorBody } from "../plugins/error-shape.ts";
import { safeEqual } from "../../core/security/constant-time.ts";

/**
 * `POST /webhooks/telegram`: the secret header is checked first, in constant
 * time (401 and nothing processed otherwise); the update is handled within the
 * request so the chat's next update waits for it, as Telegram expects.
 */
export function telegramWebhookRoute(channel: TelegramChannel, secret: string) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post("/webhooks/telegram", async (request, reply) => {
      const given = request.headers["x-telegram-bot-api-secret-token"];
      if (typeof given !== "string" || !safeEqual(given, secret)) {
        return reply.code(401).send(errorBody("bad_signature", "Missing or wrong X-Telegram-Bot-Api-Secret-Token"));
      }
      await channel.handleUpdate(request.body);
      return { ok: true };
    });
  };
}
