import { createHmac } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { ViberChannel } from "../../bots/channels/viber/viber-channel.ts";
import { parseViberJson, viberEventSchema } from "../../bots/channels/viber/viber-events.ts";
import { errorBody } from "../plugins/error-shape.ts";
import { safeEqual } from "../../core/security/constant-time.ts";

/**
 * `POST /webhooks/viber`: the body is read as raw bytes, its
 * `X-Viber-Content-Signature` (HMAC-SHA256 hex keyed by the auth token)
 * checked in constant time before anything is parsed, and `message_token`
 * kept as text. A `conversation_started` is answered with the welcome message.
 */
export function viberWebhookRoute(channel: ViberChannel, authToken: string) {
  return async (app: FastifyInstance): Promise<void> => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));
    app.post("/webhooks/viber", async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const given = request.headers["x-viber-content-signature"];
      const expected = createHmac("sha256", authToken).update(raw).digest("hex");
      if (typeof given !== "string" || !safeEqual(given.toLowerCase(), expected)) {
        return reply.code(401).send(errorBody("bad_signature", "Missing or wrong X-Viber-Content-Signature"));
      }
      let json: unknown;
      try {
        json = parseViberJson(raw.toString("utf8"));
      } catch {
        return reply.code(400).send(errorBody("invalid_json", "The body is not valid JSON"));
      }
      const event = viberEventSchema.safeParse(json);
      if (!event.success)
        return reply.code(400).send(errorBody("invalid_event", "The body is not a Viber callback we understand"));
      const welcome = await channel.handleEvent(event.data);
      return welcome ?? { status: 0 };
    });
  };
}
