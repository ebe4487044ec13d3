import { readFileSync } from "node:fs";
import { samplePng } from "../sandbox-page/sample-images.ts";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import {
  SANDBOX_FILE_LIMIT,
  sandboxRequestSchema,
  type SandboxChannel,
} from "../../bots/channels/sandbox/sandbox-channel.ts";
import type { Translator } from "../../core/i18n/translator.ts";
import { errorBody } from "../plugins/error-shape.ts";

const PAGE_DIR = path.resolve(import.meta.dirname, "../sandbox-page");
const ASSETS: Record<string, { file: string; type: string }> = {
  "/sandbox": { file: "index.html", type: "text/html; charset=utf-8" },
  "/sandbox/sandbox.js": { file: "sandbox.js", type: "text/javascript; charset=utf-8" },
  "/sandbox/sandbox.css": { file: "sandbox.css", type: "text/css; charset=utf-8" },
};

const messagesQuery = z.object({
  chat: z.string().regex(/^(tg|vb):[A-Za-z0-9+/=_-]{1,40}$/),
  after: z.coerce.number().int().min(0).default(0),
});

/**
 * The local sandbox: a chat page and its small JSON API. Registered only when
 * SANDBOX is on (local mode, or explicitly); otherwise these paths are 404.
 */
export function sandboxRoutes(channel: SandboxChannel, translator: Translator) {
  const assets = new Map(
    Object.entries(ASSETS).map(([url, asset]) => [
      url,
      { body: readFileSync(path.join(PAGE_DIR, asset.file)), type: asset.type },
    ]),
  );
  return async (app: FastifyInstance): Promise<void> => {
    for (const [url, asset] of assets) {
      app.get(url, async (_request, reply) =>
        reply.type(asset.type).header("cache-control", "no-cache").send(asset.body),
      );
    }

    // Sample card photos (grey PNGs large enough for the KYC check), so KYC can be tried without real documents.
    const samples = new Map([
      ["nrc-front", samplePng(900, 560, 210)],
      ["nrc-back", samplePng(900, 560, 180)],
      ["selfie", samplePng(720, 960, 150)],
    ]);
    app.get("/sandbox/samples/:name", async (request, reply) => {
      const parsed = z.object({ name: z.string().regex(/^[a-z-]{1,20}\.png$/) }).safeParse(request.params);
      const bytes = parsed.success ? samples.get(parsed.data.name.replace(/\.png$/, "")) : undefined;
      if (bytes === undefined) return reply.code(404).send(errorBody("not_found", "No such sample"));
      return reply.type("image/png").header("cache-control", "no-cache").send(bytes);
    });

    app.get("/sandbox/api/strings", async (request) => {
      const { lang } = z.object({ lang: z.enum(["en", "my"]).default("en") }).parse(request.query);
      return translator.instance.getResourceBundle(lang, "sandbox") as Record<string, string>;
    });

    app.post(
      "/sandbox/api/events",
      { bodyLimit: Math.ceil((SANDBOX_FILE_LIMIT * 4) / 3) + 64 * 1024 },
      async (request) => {
        const body = sandboxRequestSchema.parse(request.body);
        return channel.handle(body);
      },
    );

    app.get("/sandbox/api/messages", async (request) => {
      const query = messagesQuery.parse(request.query);
      return { items: await channel.messages(query.chat, query.after) };
    });

    app.get("/sandbox/files/:id", async (request, reply) => {
      const { id } = z.object({ id: z.uuid() }).parse(request.params);
      const bytes = await channel.file(id);
      if (bytes === null) return reply.code(404).send(errorBody("not_found", "That file has expired"));
      return reply.type("application/octet-stream").send(bytes);
    });
  };
}
