import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userModels } from "../../core/users/user-model.ts";
import { buildTestApp, testConfig, type TestApp } from "../helpers/test-runtime.ts";

let t: TestApp;
const persona = { channel: "vb", id: "sandboxVb01==", name: "Hla", language: "my" } as const;
let n = 0;
const eventId = () => `evt-${Date.now()}-${++n}`;

async function post(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await t.app.inject({
    method: "POST",
    url: "/sandbox/api/events",
    payload: body as Record<string, unknown>,
  });
  return { status: response.statusCode, json: response.json<Record<string, unknown>>() };
}
const texts = (json: Record<string, unknown>) => (json.items as Array<{ text: string }>).map((item) => item.text);

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

describe("sandbox channel", () => {
  it("a Telegram persona's stale tap gets Telegram's toast (the page shows it), and no message", async () => {
    const tg = { channel: "tg", id: "900007001", name: "Toast", language: "en" } as const;
    await post({ persona: tg, eventId: eventId(), event: { kind: "start" } });
    await post({ persona: tg, eventId: eventId(), event: { kind: "button", data: "m:lang.en" } });
    const stale = await post({ persona: tg, eventId: eventId(), event: { kind: "button", data: "s1:show" } });
    expect(stale.json).toEqual({ items: [], duplicate: false, notice: "That button is from an earlier screen." });
  });

  it("runs a persona through the real engine, with the same dedupe", async () => {
    const start = { persona, eventId: eventId(), event: { kind: "start" } };
    const first = await post(start);
    expect(first.status).toBe(200);
    expect(texts(first.json)[0]).toContain("TRM Jobs မှ ကြိုဆိုပါတယ် Hla။");
    const again = await post(start);
    expect(again.json).toEqual({ items: [], duplicate: true });

    const identity = await userModels(t.runtime.mongo).Identity.findById(`vb:${persona.id}`).lean();
    expect(identity).toMatchObject({ channel: "vb", transport: "sandbox" });

    const chosen = await post({ persona, eventId: eventId(), event: { kind: "button", data: "m:lang.my" } });
    expect(texts(chosen.json)).toEqual(["ပြီးပါပြီ၊ မြန်မာလို ပြောပါမယ်။"]);

    const all = await t.app.inject({
      method: "GET",
      url: `/sandbox/api/messages?chat=${encodeURIComponent(`vb:${persona.id}`)}&after=1`,
    });
    expect(all.json<{ items: Array<{ id: number; text: string }> }>().items.map((item) => item.id)).toEqual([2]);
  });

  it("accepts a photo and answers that it cannot be used here", async () => {
    const png = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex").toString("base64");
    const sent = await post({
      persona,
      eventId: eventId(),
      event: { kind: "photo", name: "a.png", mime: "image/png", dataBase64: png },
    });
    expect(texts(sent.json)[0]).toBe("ဒီနေရာမှာ ဓာတ်ပုံ သို့မဟုတ် ဖိုင်ကို သုံးလို့မရပါ။ မီနူးထဲက ရွေးပါ။");
  });

  it("refuses malformed requests precisely and changes nothing", async () => {
    const bad = await post({ persona: { ...persona, channel: "whatsapp" }, eventId: "x", event: { kind: "dance" } });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { code: "invalid_input" } });
    const paths = (bad.json.error as { details: { issues: Array<{ path: string }> } }).details.issues.map(
      (issue) => issue.path,
    );
    expect(paths).toEqual(expect.arrayContaining(["persona.channel", "eventId", "event.kind"]));
  });

  it("serves the page and its strings in both languages", async () => {
    const page = await t.app.inject({ method: "GET", url: "/sandbox" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toContain("text/html");
    const my = await t.app.inject({ method: "GET", url: "/sandbox/api/strings?lang=my" });
    expect(my.json<Record<string, string>>().start).toBe("စကားပြောခန်း ဖွင့်ရန်");
  });
});

describe("sandbox switched off", () => {
  it("does not exist in production unless SANDBOX=true", async () => {
    const off = await buildTestApp({ config: testConfig({ SANDBOX: "false" }) });
    try {
      for (const url of ["/sandbox", "/sandbox/api/messages?chat=tg:1"]) {
        const response = await off.app.inject({ method: "GET", url });
        expect(response.statusCode).toBe(404);
        expect(response.json()).toMatchObject({ error: { code: "not_found" } });
      }
    } finally {
      await off.close();
    }
  });
});
