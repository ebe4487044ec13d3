import { Writable } from "node:stream";
import Fastify, { LogController } from "fastify";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../core/logging/create-logger.ts";
import { lazyChild } from "../../core/logging/lazy-child.ts";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ level: "info", pretty: false, destination }), text: () => lines.join("") };
}

describe("logger redaction", () => {
  it("removes secrets, auth headers, phone and NRC fields by key", () => {
    const { logger, text } = capture();
    logger.info(
      {
        token: "123456789:AAExampleExampleExampleExampleExam",
        req: {
          headers: {
            authorization: "Bearer abc",
            "x-telegram-bot-api-secret-token": "shh",
            "x-viber-auth-token": "vvv",
          },
        },
        user: { phone: "+959420012345", nrc: "12/OUKAMA(N)123456" },
        candidate: { profile: { phoneNumber: "09420012345" } },
      },
      "hello",
    );
    const out = text();
    for (const secret of ["AAExample", "Bearer abc", "shh", "vvv", "959420012345", "OUKAMA", "09420012345"])
      expect(out).not.toContain(secret);
    expect(out).toContain("[redacted]");
  });

  it("scrubs tokens, phone numbers and NRC numbers out of messages and errors", () => {
    const { logger, text } = capture();
    logger.warn("call to https://api.telegram.org/bot123456789:AAExampleExampleExampleExampleExam/sendMessage failed");
    logger.info("candidate phone 09 420 012 345 and +95 9420012345 and NRC ၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆ or 12/OUKAMA(N)123456");
    logger.error({ err: new Error("duplicate key 959420012345") }, "insert failed");
    const out = text();
    for (const secret of ["AAExample", "420 012 345", "9420012345", "ဥကမ", "OUKAMA", "959420012345"])
      expect(out).not.toContain(secret);
    expect(out).toContain("[token]");
    expect(out).toContain("[phone]");
    expect(out).toContain("[nrc]");
  });
});

describe("a child logger made when first used", () => {
  it("logs with its bindings, redacted like any child, and makes grandchildren", () => {
    const { logger, text } = capture();
    const child = lazyChild(logger, { update: "tg:u:1", chat: "tg:42" });
    child.info({ user: { phone: "+959420012345" } }, "turn");
    child.child({ flow: "withdraw" }).warn("step");
    child.child({ flow: "kyc" }, { msgPrefix: "[kyc] " }).info("photo");
    const [first, second, third] = text()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(first).toMatchObject({ update: "tg:u:1", chat: "tg:42", msg: "turn", user: { phone: "[redacted]" } });
    expect(second).toMatchObject({ update: "tg:u:1", chat: "tg:42", flow: "withdraw", msg: "step" });
    expect(third).toMatchObject({ update: "tg:u:1", flow: "kyc", msg: "[kyc] photo" });
  });

  it("writes nothing at a level that is off, and answers the level questions from its parent", () => {
    const { logger, text } = capture();
    const child = lazyChild(logger, { chat: "tg:42" });
    child.debug("not shown");
    expect(text()).toBe("");
    expect(child.level).toBe("info");
    expect(child.isLevelEnabled("debug")).toBe(false);
    expect(child.isLevelEnabled("warn")).toBe(true);
  });

  it("is made neither by reading its methods (as Fastify checks each request's) nor by a grandchild", async () => {
    const lines: string[] = [];
    let made = 0;
    // pino calls onChild for every child of this logger and of its children.
    const counted = pino(
      { level: "info", onChild: () => made++ },
      new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) }),
    );
    const text = () => lines.join("");
    const server = Fastify({
      loggerInstance: counted,
      logController: new LogController({ requestIdLogLabel: "reqId", disableRequestLogging: true }),
      childLoggerFactory: (parent, bindings, options) => lazyChild(parent as typeof counted, bindings, options),
    });
    made = 0; // Fastify makes its own child of the logger it is given, once.
    server.get("/quiet", async (request) => {
      request.log.child({ flow: "search" }).debug("not shown");
      return { ok: true };
    });
    server.get("/loud", async (request) => {
      request.log.child({ flow: "withdraw" }).info("step");
      return { ok: true };
    });
    expect((await server.inject({ url: "/quiet" })).statusCode).toBe(200);
    expect(made).toBe(0);
    expect(text()).toBe("");
    expect((await server.inject({ url: "/loud" })).statusCode).toBe(200);
    expect(made).toBe(2); // the request's child and its grandchild
    expect(JSON.parse(text().trim()) as Record<string, unknown>).toMatchObject({ flow: "withdraw", msg: "step" });
    expect(text()).toMatch(/"reqId":"req-/);
    await server.close();
  });
});
