import type { Transport } from "../users/user-model.ts";

/** Fetches a file a person sent (Telegram file id, Viber media URL, sandbox upload), at most `maxBytes`. */
export interface FileFetcher {
  fetch(transport: Transport, fileRef: string, maxBytes: number): Promise<Buffer>;
}
