import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { RecordedCall } from "./fake-telegram-api.ts";
import { HeldAnswers } from "./held-answers.ts";

/**
 * A stand-in for Viber's REST bot API on 127.0.0.1: `POST /pa/<method>` with
 * the auth token header, answered HTTP 200 with a `status` like Viber does.
 */
export class FakeViberApi {
  readonly calls: RecordedCall[] = [];
  private server: Server | undefined;
  private readonly token: string;
  private readonly statuses = new Map<string, number[]>();
  private nextToken = 5_000_000_000_000_000_000n;
  private readonly answers = new HeldAnswers();
  /**
   * Who may be messaged: Viber answers `send_message` to anyone who has not subscribed or written with status 6
   * (receiverNotSubscribed). The harness adds people as their `subscribed` and `message` events go in.
   */
  private readonly subscribers = new Set<string>();
  /** Media people "sent", served like Viber's media URLs; an expired one answers 404. */
  private readonly media = new Map<string, Buffer | "expired">();

  constructor(token: string) {
    this.token = token;
  }

  /** A media URL for `bytes` (as in a picture message), or one that has already expired. */
  mediaUrl(id: string, bytes: Buffer | "expired"): string {
    this.media.set(id, bytes);
    const address = this.server?.address() as AddressInfo | undefined;
    return `http://127.0.0.1:${address?.port ?? 0}/media/${id}.jpg`;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (address === undefined) throw new Error("fake Viber API not started");
    return `http://127.0.0.1:${address.port}/pa`;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      void (async () => {
        const media = /^\/media\/([\w-]+)\.jpg$/.exec(request.url ?? "");
        if (media !== null) {
          const bytes = this.media.get(media[1] ?? "");
          if (bytes === undefined || bytes === "expired") {
            response.writeHead(404).end();
            return;
          }
          response.writeHead(200, { "content-type": "image/jpeg", "content-length": bytes.length }).end(bytes);
          return;
        }
        const chunks: Buffer[] = [];
        for await (const chunk of request) chunks.push(chunk as Buffer);
        const send = (body: string) => {
          response.writeHead(200, { "content-type": "application/json" });
          response.end(body);
        };
        if (request.headers["x-viber-auth-token"] !== this.token)
          return send(JSON.stringify({ status: 2, status_message: "invalidAuthToken" }));
        const method = /^\/pa\/(\w+)$/.exec(request.url ?? "")?.[1] ?? "";
        const payload = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
        const status = this.statuses.get(method)?.shift() ?? this.refusal(method, payload);
        this.calls.push({ method, payload, at: Date.now(), status: status === 0 ? 200 : 400 });
        // A 19-digit message_token, unquoted, as Viber sends it.
        const answer = () =>
          send(
            `{"status":${status},"status_message":"${status === 0 ? "ok" : "error"}` +
              `","message_token":${(this.nextToken++).toString()},"billing_status":1}`,
          );
        this.answers.answer(answer);
      })();
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return this;
  }

  /** Someone subscribed or wrote: from now on they can be messaged. */
  subscribe(userId: string): void {
    this.subscribers.add(userId);
  }

  unsubscribe(userId: string): void {
    this.subscribers.delete(userId);
  }

  /** Status 6 for a receiver who never subscribed or wrote, 3 (badData) for a keyboard Viber would reject. */
  private refusal(method: string, payload: Record<string, unknown>): number {
    if (method !== "send_message") return 0;
    if (!this.subscribers.has(String(payload.receiver))) return 6;
    const keyboard = payload.keyboard as { Buttons?: unknown[] } | undefined;
    if (keyboard !== undefined && (keyboard.Buttons?.length ?? 0) > 24) return 3;
    return 0;
  }

  /** From now on, record requests but do not answer them (a platform that went quiet mid-send). */
  hold(): void {
    this.answers.hold();
  }

  get heldCount(): number {
    return this.answers.count;
  }

  /** Answers every held request and stops holding. */
  release(): void {
    this.answers.release();
  }

  failNext(method: string, status: number): void {
    this.statuses.set(method, [...(this.statuses.get(method) ?? []), status]);
  }

  textsTo(receiver: string): string[] {
    return this.calls
      .filter((call) => call.status === 200 && call.method === "send_message" && call.payload.receiver === receiver)
      .map((call) => String(call.payload.text ?? call.payload.alt_text));
  }

  lastTo(receiver: string): RecordedCall | undefined {
    return this.calls.filter((call) => call.method === "send_message" && call.payload.receiver === receiver).at(-1);
  }

  clear(): void {
    this.calls.length = 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** Keyboard button texts and action bodies of a Viber message body. */
export function keyboardOf(
  body: Record<string, unknown> | undefined,
): Array<{ text: string; body: string; type: string; columns: number }> {
  const keyboard = body?.keyboard as
    { Buttons?: Array<{ Text: string; ActionBody: string; ActionType: string; Columns: number }> } | undefined;
  return (keyboard?.Buttons ?? []).map((button) => ({
    text: button.Text,
    body: button.ActionBody,
    type: button.ActionType,
    columns: button.Columns,
  }));
}
