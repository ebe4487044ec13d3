import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { HeldAnswers } from "./held-answers.ts";

export interface RecordedCall {
  method: string;
  payload: Record<string, unknown>;
  at: number;
  /** HTTP status the fake answered (or will answer, for a held request). */
  status: number;
}

/** A message as the chat shows it now: its text (or caption) and its inline keyboard, edits applied. */
export interface ChatMessage {
  id: number;
  text: string;
  markup: Record<string, unknown> | undefined;
}

/** Telegram's limits the fake enforces like Telegram: text 4096 characters, caption 1024. */
const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;

interface Failure {
  error_code: number;
  description: string;
  parameters?: Record<string, unknown>;
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  const text = bytes.toString("utf8");
  if (text === "") return {};
  const type = request.headers["content-type"] ?? "";
  if (type.includes("multipart/form-data")) {
    // An upload (sendPhoto/sendDocument with a file): the plain fields, and the whole body to look for the file's bytes
    // in.
    const field = (name: string) => new RegExp(`name="${name}"\\r\\n\\r\\n([^\\r]*)`).exec(text)?.[1];
    return { chat_id: field("chat_id"), caption: field("caption"), multipart: bytes };
  }
  return type.includes("json") ? (JSON.parse(text) as Record<string, unknown>) : { raw: text };
}

/**
 * A stand-in for the Telegram Bot API on 127.0.0.1: answers `/bot<token>/<method>`
 * like Telegram does, records every call with a timestamp, and can be told to
 * fail the next calls of a method (429 with retry_after, 403 blocked, ...).
 */
export class FakeTelegramApi {
  readonly calls: RecordedCall[] = [];
  private server: Server | undefined;
  private nextMessageId = 1000;
  private readonly failures = new Map<string, Failure[]>();
  /** Methods whose next calls are received, recorded as delivered, then left without an answer (socket cut). */
  private readonly cuts = new Map<string, number>();
  private readonly token: string;
  private readonly answers = new HeldAnswers();
  /** The port it listened on before `goDown`, to come back on. */
  private downPort: number | undefined;
  /** Files people "sent", by file id, served like Telegram's file downloads. */
  private readonly files = new Map<string, Buffer>();
  /** Every chat's messages as they stand (sent, then edited in place), like the app keeps them. */
  private readonly chats = new Map<string, Map<number, ChatMessage>>();

  constructor(token: string) {
    this.token = token;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (address === undefined) throw new Error("fake Telegram API not started");
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      void (async () => {
        const send = (status: number, body: unknown) => {
          response.writeHead(status, { "content-type": "application/json" });
          response.end(JSON.stringify(body));
        };
        const download = /^\/file\/bot([^/]+)\/files\/([\w-]+)$/.exec(request.url ?? "");
        if (download !== null) {
          const bytes = download[1] === this.token ? this.files.get(download[2] ?? "") : undefined;
          if (bytes === undefined) return send(404, { ok: false, error_code: 404, description: "Not Found" });
          response.writeHead(200, { "content-type": "application/octet-stream", "content-length": bytes.length });
          response.end(bytes);
          return;
        }
        const match = /^\/bot([^/]+)\/(\w+)$/.exec(request.url ?? "");
        if (match === null || match[1] !== this.token)
          return send(404, { ok: false, error_code: 404, description: "Not Found" });
        const method = match[2] ?? "";
        const payload = await readBody(request);
        const cut = this.cuts.get(method) ?? 0;
        if (cut > 0) {
          this.cuts.set(method, cut - 1);
          this.calls.push({ method, payload, at: Date.now(), status: 200 });
          this.resultFor(method, payload);
          request.socket.destroy();
          return;
        }
        const failure = this.failures.get(method)?.shift() ?? this.refusal(method, payload);
        this.calls.push({ method, payload, at: Date.now(), status: failure?.error_code ?? 200 });
        const answer = () =>
          failure !== undefined
            ? send(failure.error_code, { ok: false, ...failure })
            : send(200, { ok: true, result: this.resultFor(method, payload) });
        this.answers.answer(answer);
      })();
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return this;
  }

  /** What Telegram itself refuses: a text over its limit, an edit of a missing message or one that changes nothing. */
  private refusal(method: string, payload: Record<string, unknown>): Failure | undefined {
    const bad = (description: string): Failure => ({ error_code: 400, description: `Bad Request: ${description}` });
    if (typeof payload.text === "string" && payload.text.length > TEXT_LIMIT) return bad("message is too long");
    if (typeof payload.caption === "string" && payload.caption.length > CAPTION_LIMIT)
      return bad("message caption is too long");
    if (method !== "editMessageText" && method !== "editMessageReplyMarkup") return undefined;
    const message = this.chats.get(String(payload.chat_id))?.get(Number(payload.message_id));
    if (message === undefined) return bad("message to edit not found");
    const text = method === "editMessageText" ? String(payload.text) : message.text;
    const markup = payload.reply_markup as Record<string, unknown> | undefined;
    if (text === message.text && JSON.stringify(markup) === JSON.stringify(message.markup))
      return bad(
        "message is not modified: specified new message content and reply markup are exactly the same as a current " +
          "content and reply markup of the message",
      );
    return undefined;
  }

  /** The chat's messages as the app shows them now, oldest first. */
  chat(chatId: string | number): ChatMessage[] {
    return [...(this.chats.get(String(chatId))?.values() ?? [])];
  }

  private keep(chatId: string, message: ChatMessage): void {
    const chat = this.chats.get(chatId) ?? new Map<number, ChatMessage>();
    chat.set(message.id, message);
    this.chats.set(chatId, chat);
  }

  private resultFor(method: string, payload: Record<string, unknown>): unknown {
    const chat = { id: Number(payload.chat_id), type: "private" };
    const chatId = String(payload.chat_id);
    const markup = payload.reply_markup as Record<string, unknown> | undefined;
    switch (method) {
      case "getMe":
        return {
          id: 7000001,
          is_bot: true,
          first_name: "TRM",
          username: "TRMJobsBot",
          can_join_groups: false,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
        };
      case "sendMessage":
      case "sendPhoto":
      case "sendDocument": {
        const id = this.nextMessageId++;
        const text =
          typeof payload.text === "string" ? payload.text : typeof payload.caption === "string" ? payload.caption : "";
        this.keep(chatId, { id, text, markup });
        return { message_id: id, date: Math.floor(Date.now() / 1000), chat, text: payload.text };
      }
      case "editMessageReplyMarkup": {
        const message = this.chats.get(chatId)?.get(Number(payload.message_id));
        if (message !== undefined) this.keep(chatId, { ...message, markup });
        return true;
      }
      case "deleteMessage":
        this.chats.get(chatId)?.delete(Number(payload.message_id));
        return true;
      case "getFile": {
        const id = String(payload.file_id);
        const bytes = this.files.get(id);
        return bytes === undefined
          ? { file_id: id, file_unique_id: id }
          : { file_id: id, file_unique_id: id, file_size: bytes.length, file_path: `files/${id}` };
      }
      case "editMessageText":
        this.keep(chatId, { id: Number(payload.message_id), text: String(payload.text), markup });
        return {
          message_id: Number(payload.message_id),
          date: Math.floor(Date.now() / 1000),
          chat,
          text: payload.text,
        };
      default:
        return true;
    }
  }

  /** Makes a file downloadable through getFile and `/file/bot<token>/<path>`. */
  addFile(fileId: string, bytes: Buffer): void {
    this.files.set(fileId, bytes);
  }

  /** Delivers the next `times` calls of `method` but cuts the connection before answering (the sender cannot know). */
  cutAfterDelivery(method: string, times = 1): void {
    this.cuts.set(method, (this.cuts.get(method) ?? 0) + times);
  }

  failNext(method: string, failure: Failure, times = 1): void {
    const list = this.failures.get(method) ?? [];
    for (let i = 0; i < times; i++) list.push(failure);
    this.failures.set(method, list);
  }

  /** Calls of one method (optionally to one chat). */
  sent(method: string, chatId?: string | number): RecordedCall[] {
    return this.calls.filter(
      (call) => call.method === method && (chatId === undefined || String(call.payload.chat_id) === String(chatId)),
    );
  }

  /** Every message text a chat received (sent or edited, answered 200), in order. */
  textsTo(chatId: string | number): string[] {
    return this.calls
      .filter(
        (call) =>
          call.status === 200 &&
          ["sendMessage", "editMessageText"].includes(call.method) &&
          String(call.payload.chat_id) === String(chatId),
      )
      .map((call) => String(call.payload.text));
  }

  clear(): void {
    this.calls.length = 0;
  }

  /** Forgets what chats show (a test that posts hand-made callbacks for message ids the fake never sent). */
  forgetChats(): void {
    this.chats.clear();
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

  /** Telegram unreachable: connections are refused (the request never leaves), until `comeBack`. */
  async goDown(): Promise<void> {
    const address = this.server?.address() as AddressInfo | undefined;
    this.downPort = address?.port;
    const closed = new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
    this.server?.closeAllConnections();
    await closed;
  }

  /** Listens again on the same port. */
  async comeBack(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.listen(this.downPort, "127.0.0.1", resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** Button labels and data of a recorded call's inline keyboard. */
export function buttonsOf(call: RecordedCall | undefined): Array<{ text: string; data?: string; url?: string }> {
  const markup = call?.payload.reply_markup as
    { inline_keyboard?: Array<Array<{ text: string; callback_data?: string; url?: string }>> } | undefined;
  return (markup?.inline_keyboard ?? [])
    .flat()
    .map((button) => ({ text: button.text, data: button.callback_data, url: button.url }));
}
