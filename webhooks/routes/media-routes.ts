import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { MediaLinks } from "../../core/files/media-links.ts";
import type { MediaVault } from "../../core/files/media-vault.ts";
import { errorBody } from "../plugins/error-shape.ts";

/** The token, and the file's extension when the link carries one (Viber takes a picture URL ending in `.png`). */
const params = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{22}(\.[a-z0-9]{1,5})?$/) });

/**
 * `GET /media/:token`: a decrypted file behind a short-lived link issued to
 * someone allowed to see it (the issue was audited). Never cached, always a download.
 */
export function mediaRoutes(links: MediaLinks, vault: MediaVault) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get("/media/:token", async (request, reply) => {
      const parsed = params.safeParse(request.params);
      const link = parsed.success ? await links.resolve(parsed.data.token.slice(0, 22)) : null;
      if (link === null)
        return reply.code(404).send(errorBody("link_expired", "This link has expired or does not exist"));
      const safeName = link.fileName.replace(/[^A-Za-z0-9._-]/g, "_");
      if ("bytes" in link)
        return reply
          .header("content-type", link.mime)
          .header("content-disposition", `attachment; filename="${safeName}"`)
          .header("cache-control", "no-store")
          .send(link.bytes);
      const file = await vault.read(link.mediaId);
      return reply
        .header("content-type", file.mime)
        .header(
          "content-disposition",
          `attachment; filename="${safeName.endsWith(`.${file.ext}`) ? safeName : `${safeName}.${file.ext}`}"`,
        )
        .header("cache-control", "no-store")
        .send(file.bytes);
    });
  };
}
