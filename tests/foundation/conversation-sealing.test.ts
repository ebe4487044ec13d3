import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshConversation } from "../../core/conversations/conversation-store.ts";
import { moveUntaggedKeys } from "../../core/db/redis-key-moves.ts";
import { buildTestApp, type TestApp } from "../helpers/test-runtime.ts";

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ definitions: [] });
});
afterAll(() => t.close());

describe("conversation state at rest", () => {
  it("keeps a flow's personal fields sealed in Redis, and reads them back", async () => {
    const chat = "tg:8800001";
    const state = freshConversation(chat, "U8800001", new Date());
    const data = { fullName: "Daw Mya Mya", dob: "1995-01-01", nrc: { state: 12, township: "ဥကမ", number: "123456" } };
    await t.core.conversations.save({ ...state, flow: "kyc", step: "dob", data, version: 1 });
    const raw = (await t.runtime.redis.get(t.core.conversations.key(chat))) ?? "";
    expect(raw).toContain('"flow":"kyc"');
    for (const secret of ["Mya", "1995", "ဥကမ", "123456"]) expect(raw).not.toContain(secret);
    expect((await t.core.conversations.load(chat))?.data).toEqual(data);
  });

  it("refuses to read sealed state under another chat's key (the chat is bound into the seal)", async () => {
    const state = freshConversation("tg:8800002", "U8800002", new Date());
    await t.core.conversations.save({ ...state, data: { phone: "+959791234567" }, version: 1 });
    const key = (chat: string) => t.core.conversations.key(chat);
    const raw = (await t.runtime.redis.get(key("tg:8800002"))) ?? "";
    await t.runtime.redis.set(key("tg:8800003"), raw);
    await expect(t.core.conversations.load("tg:8800003")).rejects.toThrow();
  });

  it("moves a conversation stored under a key without the chat's hash tag, once", async () => {
    const state = freshConversation("tg:8800004", "U8800004", new Date());
    await t.core.conversations.save({ ...state, flow: "kyc", step: "dob", data: { name: "Aye" }, version: 1 });
    const tagged = t.core.conversations.key("tg:8800004");
    await t.runtime.redis.rename(tagged, `${t.runtime.config.redis.prefix}:conv:tg:8800004`);
    expect(await t.core.conversations.load("tg:8800004")).toBeNull();
    const move = [t.core.conversations.keyMove()];
    expect(await moveUntaggedKeys(t.runtime.redis, move)).toBe(1);
    expect(await moveUntaggedKeys(t.runtime.redis, move)).toBe(0);
    expect((await t.core.conversations.load("tg:8800004"))?.step).toBe("dob");
  });
});
