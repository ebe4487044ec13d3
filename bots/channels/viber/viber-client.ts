import { z } from "zod";
import { AppError } from "../../../core/errors/app-error.ts";
import { mayHaveReachedPlatform } from "../send-outcome.ts";

/** Viber answers HTTP 200 even for errors; `status` tells (0 = ok). */
const apiResponse = z
  .object({
    status: z.number().int(),
    status_message: z.string().optional(),
    message_token: z.union([z.string(), z.number()]).optional(),
    billing_status: z.number().optional(),
  })
  .passthrough();

export type ViberApiResponse = z.infer<typeof apiResponse>;

/** Viber error statuses that mean "this person cannot be messaged" (creators errors.md). */
const UNREACHABLE = new Set([5, 6, 11]);

export interface ViberSender {
  name: string;
  avatar?: string | undefined;
}

export interface ViberKeyboard {
  Type: "keyboard";
  DefaultHeight?: boolean;
  Buttons: Array<{
    Columns: number;
    Rows: number;
    ActionType: "reply" | "open-url" | "share-phone" | "location-picker";
    ActionBody: string;
    Text: string;
    Silent?: boolean;
  }>;
}

export type ViberMessage =
  | { type: "text"; text: string; keyboard?: ViberKeyboard; tracking_data?: string; min_api_version?: number }
  | { type: "picture"; text: string; media: string; keyboard?: ViberKeyboard; min_api_version?: number }
  | {
      type: "rich_media";
      rich_media: { Type: "rich_media"; ButtonsGroupColumns: number; ButtonsGroupRows: number; Buttons: unknown[] };
      alt_text: string;
      keyboard?: ViberKeyboard;
      min_api_version?: number;
    }
  | {
      type: "file";
      media: string;
      size: number;
      file_name: string;
      keyboard?: ViberKeyboard;
      min_api_version?: number;
    };

/**
 * A small typed client for Viber's REST bot API. The auth token goes only in
 * the `X-Viber-Auth-Token` header; the API root is configurable (tests point it
 * at a local fake). Non-zero statuses become typed errors.
 */
export class ViberClient {
  private readonly apiRoot: string;
  private readonly authToken: string;
  readonly sender: ViberSender;
  private readonly timeoutMs: number;

  constructor(options: { apiRoot: string; authToken: string; sender: ViberSender; timeoutMs?: number }) {
    this.apiRoot = options.apiRoot;
    this.authToken = options.authToken;
    this.sender = options.sender;
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  async call(method: string, body: Record<string, unknown>): Promise<ViberApiResponse> {
    let response: Response;
    try {
      response = await fetch(`${this.apiRoot}/${method}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-viber-auth-token": this.authToken },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      if (mayHaveReachedPlatform(error))
        throw new AppError("send_uncertain", `no answer from the Viber API (${method}); it may have been done`, {
          cause: error,
        });
      throw new AppError("viber_unreachable", `could not reach the Viber API (${method})`, {
        cause: error,
      });
    }
    if (response.status >= 500)
      throw new AppError("viber_unavailable", `Viber answered ${response.status} to ${method}`);
    const parsed = apiResponse.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new AppError("viber_bad_response", `Viber answered ${method} with an unexpected body`);
    const { status, status_message: message = "" } = parsed.data;
    if (status === 0) return parsed.data;
    if (UNREACHABLE.has(status))
      throw new AppError("recipient_blocked", `viber status ${status}: ${message}`, {
        details: { status },
      });
    if (status === 12)
      throw new AppError("rate_limited", `viber status 12: ${message}`, {
        retryAfterMs: 60_000,
        details: { status },
      });
    throw new AppError("viber_refused", `viber status ${status}: ${message}`, {
      details: { status },
    });
  }

  /** A complete `send_message` body; the welcome message reuses it without `receiver`. */
  messageBody(message: ViberMessage): Record<string, unknown> {
    return {
      ...message,
      sender: this.sender.avatar === undefined ? { name: this.sender.name } : this.sender,
      min_api_version: message.min_api_version ?? 3,
    };
  }

  sendMessage(receiver: string, message: ViberMessage): Promise<ViberApiResponse> {
    return this.call("send_message", { receiver, ...this.messageBody(message) });
  }

  setWebhook(url: string): Promise<ViberApiResponse> {
    return this.call("set_webhook", {
      url,
      event_types: ["delivered", "seen", "failed", "subscribed", "unsubscribed", "conversation_started"],
      send_name: true,
      send_photo: false,
    });
  }
}
