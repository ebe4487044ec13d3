import type { Redis } from "ioredis";
import type { Config } from "../../core/config/load-config.ts";
import { AppError } from "../../core/errors/app-error.ts";
import type { FileFetcher } from "../../core/files/file-fetcher.ts";
import { createTelegramApi } from "./telegram/telegram-sender.ts";

async function download(url: string, maxBytes: number): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    throw new AppError("file_unreachable", "could not download the file", { cause: error });
  }
  if (response.status === 404 || response.status === 410)
    throw new AppError("file_expired", "the file link has expired");
  if (!response.ok) throw new AppError("file_download_failed", `file download answered ${response.status}`);
  const declared = Number(response.headers.get("content-length") ?? 0);
  if (declared > maxBytes) throw new AppError("file_too_large", "the file is too large");
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > maxBytes) throw new AppError("file_too_large", "the file is too large");
  return bytes;
}

/**
 * Telegram: getFile, then the file URL under the API root; Viber: the media URL (valid for an hour); sandbox: Redis.
 */
export function createFileFetcher(config: Config, redis: Redis): FileFetcher {
  const telegram =
    config.telegram.mode === "off"
      ? undefined
      : {
          api: createTelegramApi(config.telegram.token, config.telegram.apiRoot),
          root: config.telegram.apiRoot,
          token: config.telegram.token,
        };
  return {
    async fetch(transport, fileRef, maxBytes) {
      if (transport === "sandbox") {
        const bytes = await redis.getBuffer(`${config.redis.prefix}:sandbox:file:${fileRef.replace(/^sandbox:/, "")}`);
        if (bytes === null) throw new AppError("file_expired", "the file has expired");
        if (bytes.length > maxBytes) throw new AppError("file_too_large", "the file is too large");
        return bytes;
      }
      if (transport === "telegram") {
        if (telegram === undefined) throw new AppError("telegram_off", "Telegram is not configured");
        const file = await telegram.api.getFile(fileRef);
        if ((file.file_size ?? 0) > maxBytes) throw new AppError("file_too_large", "the file is too large");
        if (file.file_path === undefined) throw new AppError("file_expired", "Telegram has no path for this file");
        return download(`${telegram.root}/file/bot${telegram.token}/${file.file_path}`, maxBytes);
      }
      if (!/^https?:\/\//.test(fileRef)) throw new AppError("bad_file_ref", "not a media URL");
      return download(fileRef, maxBytes);
    },
  };
}
