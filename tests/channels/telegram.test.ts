import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChannelSenders } from "../../bots/channels/senders.ts";
import { userModels } from "../../core/users/user-model.ts";
import { buttonsOf } from "../fakes/fake-telegram-api.ts";
import { tgBlocked, tgButton, tgPhoto, tgText, type TgUser } from "../fakes/telegram-updates.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { telegramHarness, type TelegramHarness } from "../helpers/telegram-harness.ts";

let h: TelegramHarness;
let nextId = 9_100_000;
const person = (first_name: string, language_code = "en"): TgUser => ({ id: nextId++, first_name, language_code });

const lastTo = (user: TgUser) => h.fake.textsTo(user.id).at(-1) ?? "";
const lastCallTo = (user: TgUser) =>
  h.fake.calls
    .filter(
      (call) => String(call.payload.chat_id) === String(user.id) && /^(sendMessage|editMessageText)$/.test(call.method),
    )
    .at(-1);
const models = () => userModels(h.t.runtime.mongo);

beforeAll(async () => {
  h = await telegramHarness();
});
afterAll(() => h.close());

describe("Telegram: first contact and language", () => {
  it("greets in English, offers both languages, and shows the English menu after the choice", async () => {
    const ann = person("Ann", "en");
    expect(await h.post(tgText(ann, "/start"))).toBe(200);
    expect(lastTo(ann)).toContain("Welcome to TRM Jobs, Ann!");
    expect(lastTo(ann)).toContain("Please choose your language:");
    expect(buttonsOf(lastCallTo(ann)).map((button) => button.data)).toEqual(["m:lang.en", "m:lang.my"]);

    // Pressed on the welcome message itself, which is then edited in place.
    await h.post(tgButton(ann, "m:lang.en", h.fake.chat(ann.id).at(-1)?.id));
    expect(lastTo(ann)).toContain("Done, I'll speak English.");
    expect(buttonsOf(lastCallTo(ann)).map((button) => button.text)).toEqual([
      "🔎 Find jobs",
      "⭐ Saved jobs",
      "🔔 Job alerts",
      "📋 My referrals",
      "💰 Wallet",
      "👥 Invite friends",
      "🌳 My network",
      "🏆 Leaderboard",
      "🪪 Verify identity",
      "🔗 Link Telegram & Viber",
      "🌐 Language",
      "💬 Contact support",
      "❓ Help",
    ]);
    expect(lastCallTo(ann)?.method).toBe("editMessageText");
    expect(h.fake.sent("answerCallbackQuery").length).toBeGreaterThan(0);

    const user = await models()
      .User.findById((await models().Identity.findById(`tg:${ann.id}`).lean())?.userId)
      .lean();
    expect(user).toMatchObject({ name: "Ann", language: "en", languageChosen: true, invitedBy: null });
  });

  it("greets in Burmese when Telegram says the person uses Burmese, and stays in Burmese", async () => {
    const aung = person("Aung", "my");
    await h.post(tgText(aung, "/start"));
    expect(lastTo(aung)).toContain("TRM Jobs မှ ကြိုဆိုပါတယ် Aung။");
    await h.post(tgButton(aung, "m:lang.my"));
    expect(lastTo(aung)).toContain("ပြီးပါပြီ၊ မြန်မာလို ပြောပါမယ်။");
    expect(buttonsOf(lastCallTo(aung)).map((button) => button.text)).toContain("❓ အကူအညီ");
    await h.post(tgText(aung, "/help"));
    expect(h.fake.textsTo(aung.id).at(-2)).toContain("TRM Jobs ကို Telegram နဲ့ Viber မှာ");
  });

  it("switches language from the menu at any time", async () => {
    const may = person("May", "en");
    await h.post(tgText(may, "/start"));
    await h.post(tgButton(may, "m:lang.en"));
    await h.post(tgButton(may, "m:language"));
    expect(lastTo(may)).toBe("Please choose your language:");
    await h.post(tgButton(may, "m:lang.my"));
    expect(lastTo(may)).toContain("မြန်မာလို ပြောပါမယ်");
    await h.post(tgButton(may, "m:lang.en"));
    expect(lastTo(may)).toContain("Done, I'll speak English.");
  });

  it("answers unknown text and photos helpfully, never with silence", async () => {
    const ko = person("Ko");
    await h.post(tgText(ko, "/start"));
    // Free text at the menu is a job search; when nothing matches, a hint and the menu.
    await h.post(tgText(ko, "what is this?"));
    expect(lastTo(ko)).toBe(
      "I found no open jobs for “what is this?”. Type a job title, skill or town to search, or choose from the " +
        "menu; ❓ Help explains everything.",
    );
    await h.post(tgPhoto(ko));
    expect(lastTo(ko)).toBe("I can't use a photo or file here. Please choose from the menu.");
    await h.post(tgText(ko, "/nonsense"));
    expect(lastTo(ko)).toContain("didn't understand");
  });

  it("registers the command menu in both languages and the webhook with its secret", async () => {
    h.fake.clear();
    await h.t.onListening();
    const commands = h.fake.sent("setMyCommands");
    expect(commands).toHaveLength(2);
    expect(commands[1]?.payload.language_code).toBe("my");
    expect(JSON.stringify(commands[1]?.payload.commands)).toContain("ပင်မမီနူး");
    const webhook = h.fake.sent("setWebhook")[0];
    expect(webhook?.payload).toMatchObject({
      url: "https://bot.example.test/webhooks/telegram",
      secret_token: "test_secret-123",
      allowed_updates: ["message", "callback_query", "my_chat_member"],
    });
  });
});

describe("Telegram: invite links", () => {
  it("records the inviter once, at first contact, and never changes it", async () => {
    const inviter = person("Inviter");
    await h.post(tgText(inviter, "/start"));
    await h.post(tgButton(inviter, "m:lang.en"));
    await h.post(tgButton(inviter, "m:invite"));
    const code = /Your invite code: (U\w{7})/.exec(h.fake.textsTo(inviter.id).join("\n"))?.[1] ?? "";
    expect(code).toMatch(/^U\w{7}$/);
    expect(h.fake.textsTo(inviter.id).join("\n")).toContain(`https://t.me/TRMJobsBot?start=${code}`);
    expect(h.fake.textsTo(inviter.id).join("\n")).toContain(`viber://pa?chatURI=trmjobs&context=${code}`);

    const other = person("Other");
    await h.post(tgText(other, "/start"));
    const otherCode = (await models().Identity.findById(`tg:${other.id}`).lean())?.userId ?? "";

    const friend = person("Friend");
    await h.post(tgText(friend, `/start ${code}`));
    expect(lastTo(friend)).toContain("You joined through an invite from Inviter.");
    await h.post(tgText(friend, `/start ${otherCode}`));
    expect(lastTo(friend)).toContain("You already have an account, so this invite link changes nothing.");
    const friendUser = await models()
      .User.findById((await models().Identity.findById(`tg:${friend.id}`).lean())?.userId)
      .lean();
    expect(friendUser?.invitedBy).toBe(code);
  });

  it("recognises someone known whose conversation is gone, with an invite link, without a second account", async () => {
    const inviter = person("Host");
    await h.post(tgText(inviter, "/start"));
    const code = (await models().Identity.findById(`tg:${inviter.id}`).lean())?.userId ?? "";
    const back = person("Back");
    await h.post(tgText(back, "/start"));
    const { services } = h.t.bot;
    const accountBefore = (await models().Identity.findById(`tg:${back.id}`).lean())?.userId;
    const usersBefore = await models().User.countDocuments();
    // Their conversation expired in Redis and this process no longer remembers them (a restart, another instance).
    await h.t.runtime.redis.del(services.conversations.key(`tg:${back.id}`));
    await services.users.forget(`tg:${back.id}`);

    await h.post(tgText(back, `/start ${code}`));
    expect(lastTo(back)).toContain("You already have an account, so this invite link changes nothing.");
    expect((await models().Identity.findById(`tg:${back.id}`).lean())?.userId).toBe(accountBefore);
    expect(await models().User.countDocuments()).toBe(usersBefore);
    expect((await models().User.findById(accountBefore).lean())?.invitedBy).toBeNull();
  });

  it("ignores a self-invite and an unknown code politely", async () => {
    const solo = person("Solo");
    await h.post(tgText(solo, "/start"));
    const own = (await models().Identity.findById(`tg:${solo.id}`).lean())?.userId ?? "";
    await h.post(tgText(solo, `/start ${own}`));
    expect(lastTo(solo)).toContain("That's your own invite link.");

    const stranger = person("Stranger");
    await h.post(tgText(stranger, "/start UZZZZZZZ"));
    expect(lastTo(stranger)).toContain("That invite link isn't valid, but you are very welcome here.");
    const user = await models()
      .User.findById((await models().Identity.findById(`tg:${stranger.id}`).lean())?.userId)
      .lean();
    expect(user?.invitedBy).toBeNull();
  });
});

describe("Telegram: webhook safety, dedupe and order", () => {
  it("rejects a wrong or missing secret with 401 and processes nothing", async () => {
    const eve = person("Eve");
    h.fake.clear();
    expect(await h.post(tgText(eve, "/start"), "wrong-secret")).toBe(401);
    expect(await h.post(tgText(eve, "/start"), null)).toBe(401);
    expect(h.fake.calls).toHaveLength(0);
    expect(await models().Identity.findById(`tg:${eve.id}`).lean()).toBeNull();
  });

  it("refuses a body that is not an update with a precise error", async () => {
    const response = await h.t.app.inject({
      method: "POST",
      url: "/webhooks/telegram",
      headers: { "x-telegram-bot-api-secret-token": "test_secret-123" },
      payload: { hello: "world" },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: "invalid_update" } });
  });

  it("handles a redelivered update once, also when both copies arrive at the same time", async () => {
    const dup = person("Dup");
    await h.post(tgText(dup, "/start"));
    const update = tgText(dup, "hello?");
    const before = h.fake.textsTo(dup.id).length;
    expect(await h.post(update)).toBe(200);
    expect(await h.post(update)).toBe(200);
    const concurrent = tgText(dup, "again?");
    await Promise.all([h.post(concurrent), h.post(concurrent), h.post(concurrent)]);
    expect(h.fake.textsTo(dup.id).length - before).toBe(2);
  });

  it("recognizes a redelivery by its update id, even after more updates than the dedupe window holds", async () => {
    const late = person("Late");
    await h.post(tgText(late, "/start"));
    const first = tgText(late, "/help");
    await h.post(first);
    for (let i = 0; i < 60; i++) await h.post(tgText(late, `message ${i}`));
    const before = h.fake.textsTo(late.id).length;
    const conversation = await h.t.core.conversations.load(`tg:${late.id}`);
    expect(conversation?.recentUpdates).not.toContain(`tg:u:${String(first.update_id)}`);
    expect(await h.post(first)).toBe(200);
    expect(h.fake.textsTo(late.id).length).toBe(before);
  });

  it("does not send a reply again when its answer was lost after Telegram received it", async () => {
    const cut = person("Cut");
    await h.post(tgText(cut, "/start"));
    const before = h.fake.sent("sendMessage", cut.id).length;
    h.fake.cutAfterDelivery("sendMessage");
    const update = tgText(cut, "/language");
    expect(await h.post(update)).toBe(200);
    expect(h.fake.sent("sendMessage", cut.id).slice(before)).toHaveLength(1);
    // Telegram's redelivery of that update sends nothing more; the next message is answered normally.
    await h.post(update);
    expect(h.fake.sent("sendMessage", cut.id).length - before).toBe(1);
    await h.post(tgText(cut, "/language"));
    expect(h.fake.sent("sendMessage", cut.id).length - before).toBe(2);
  });

  it("handles two updates of one chat sent at once in update order", async () => {
    const order = person("Order");
    await h.post(tgText(order, "/start"));
    const pending = `${h.t.runtime.config.redis.prefix}:chat:tg:{${order.id}}:pending`;
    for (let round = 0; round < 3; round++) {
      const blockerUpdate = tgText(order, `blocker ${round}`);
      const first = tgText(order, `first ${round}`);
      const second = tgText(order, `second ${round}`);
      // While a reply holds the chat's turn, the later update arrives first and the earlier one after it.
      h.fake.hold();
      const blocker = h.post(blockerUpdate);
      await waitFor(() => h.fake.heldCount > 0, 10_000, "the blocker's reply to be in flight");
      const later = h.post(second);
      await waitFor(async () => (await h.t.runtime.redis.zcard(pending)) === 2, 10_000, "the later update to queue");
      const earlier = h.post(first);
      await waitFor(async () => (await h.t.runtime.redis.zcard(pending)) === 3, 10_000, "the earlier update to queue");
      h.fake.release();
      await Promise.all([blocker, later, earlier]);
      const conversation = await h.t.bot.services.conversations.load(`tg:${order.id}`);
      expect(conversation?.recentUpdates.slice(-2)).toEqual([
        `tg:u:${String(first.update_id)}`,
        `tg:u:${String(second.update_id)}`,
      ]);
    }
  });
});

describe("Telegram: engine behaviour", () => {
  it("reads Zawgyi as Unicode and Burmese digits as ASCII before a flow sees the text", async () => {
    const zaw = person("Zaw", "my");
    await h.post(tgText(zaw, "/start"));
    await h.post(tgButton(zaw, "m:echo"));
    await h.post(tgText(zaw, "ကားေမာင္းသူ လစာ ၃ သိန္း"));
    expect(lastTo(zaw)).toBe("echo:ကားမောင်းသူ လစာ 3 သိန်း");
    await h.post(tgText(zaw, "ဖုန်း ၀၉၄၂၀၀၁၂၃၄၅"));
    expect(lastTo(zaw)).toBe("echo:ဖုန်း 09420012345");
  });

  it("answers a stale or foreign button politely", async () => {
    const old = person("Old");
    await h.post(tgText(old, "/start"));
    h.fake.clear();
    // A toast only: the message the person looks at (and every other) stays as it is.
    await h.post(tgButton(old, "s1:show"));
    expect(h.fake.sent("answerCallbackQuery")[0]?.payload.text).toBe("That button is from an earlier screen.");
    await h.post(tgButton(old, "something ünknown"));
    expect(h.fake.sent("answerCallbackQuery")[1]?.payload.text).toBe("That button is from an earlier screen.");
    expect(h.fake.calls.filter((call) => /^(sendMessage|editMessage)/.test(call.method))).toEqual([]);
  });

  it("offers Back and Cancel in a flow, and goes back a step", async () => {
    const nav = person("Nav");
    await h.post(tgText(nav, "/start"));
    await h.post(tgButton(nav, "m:link"));
    const intro = lastCallTo(nav);
    expect(buttonsOf(intro).map((button) => button.text)).toEqual(["🔢 Show my code", "⌨️ Enter a code", "✖️ Cancel"]);
    const enter = buttonsOf(intro).find((button) => button.text === "⌨️ Enter a code")?.data ?? "";
    await h.post(tgButton(nav, enter));
    expect(lastTo(nav)).toBe("Type the 6-digit code shown in your other app:");
    expect(buttonsOf(lastCallTo(nav)).map((button) => button.data)).toEqual(["n:back", "n:cancel"]);
    await h.post(tgButton(nav, "n:back"));
    expect(lastTo(nav)).toContain("Use TRM on both Telegram and Viber");
    // The intro's buttons from before are now stale: the step was entered again. A toast says so; nothing changes.
    const before = h.fake.calls.length;
    await h.post(tgButton(nav, enter));
    expect(h.fake.calls.slice(before).map((call) => [call.method, call.payload.text])).toEqual([
      ["answerCallbackQuery", "That button is from an earlier screen."],
    ]);
    await h.post(tgButton(nav, "m:link"));
    await h.post(tgButton(nav, "n:cancel"));
    expect(lastTo(nav)).toBe("Cancelled. Here is the menu.");
  });

  it("apologises when a flow throws, and the chat keeps working", async () => {
    const boom = person("Boom");
    await h.post(tgText(boom, "/start"));
    expect(await h.post(tgButton(boom, "m:boom"))).toBe(200);
    expect(lastTo(boom)).toBe(
      "Sorry, something went wrong on our side. Please try again. If it keeps happening, write to us with /support.",
    );
    await h.post(tgText(boom, "/help"));
    expect(h.fake.textsTo(boom.id).at(-2)).toContain("TRM Jobs works the same on Telegram and Viber");
  });

  it("marks a person who blocked the bot as unreachable", async () => {
    const gone = person("Gone");
    await h.post(tgText(gone, "/start"));
    h.fake.failNext("sendMessage", { error_code: 403, description: "Forbidden: bot was blocked by the user" });
    expect(await h.post(tgText(gone, "hi"))).toBe(200);
    expect((await models().Identity.findById(`tg:${gone.id}`).lean())?.reachable).toBe(false);
    await h.post(tgText(gone, "I'm back"));
    const left = person("Left");
    await h.post(tgText(left, "/start"));
    await h.post(tgBlocked(left));
    expect((await models().Identity.findById(`tg:${left.id}`).lean())?.reachable).toBe(false);
  });

  it("an outage delays replies, loses none: they wait sealed, then arrive in order (next turn or drain)", async () => {
    const [ann, ben] = [person("Outage Ann"), person("Outage Ben")];
    for (const someone of [ann, ben]) await h.post(tgText(someone, "/start"));
    const before = { ann: h.fake.textsTo(ann.id).length, ben: h.fake.textsTo(ben.id).length };
    await h.fake.goDown();
    // Both people keep writing: every update is taken (200), nothing reaches the chat.
    for (const text of ["cook", "driver"]) expect(await h.post(tgText(ann, text))).toBe(200);
    expect(await h.post(tgText(ben, "nurse"))).toBe(200);
    // What waits in Redis is sealed: no reply text in clear.
    const prefix = h.t.runtime.config.redis.prefix;
    const waiting = await h.t.runtime.redis.lrange(`${prefix}:tg:outbox:{${ann.id}}:replies`, 0, -1);
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.join("")).not.toContain("cook");
    await h.fake.comeBack();
    // Ann writes again: what waited goes first, in order, then this turn's answer.
    await h.post(tgText(ann, "welder"));
    const annTexts = h.fake.textsTo(ann.id).slice(before.ann);
    expect(annTexts.map((text) => /“(\w+)”/.exec(text)?.[1])).toEqual(["cook", "driver", "welder"]);
    // Ben says nothing more: the worker's drain job sends his.
    const senders = createChannelSenders(h.t.runtime.config, h.t.runtime.redis);
    const reports = (await senders.telegram?.drainReplies?.(async () => undefined)) ?? [];
    expect(reports.reduce((sum, report) => sum + report.sent, 0)).toBeGreaterThan(0);
    expect(h.fake.textsTo(ben.id).slice(before.ben).join("\n")).toContain("“nurse”");
    // Nothing twice: a second drain has nothing left.
    expect((await senders.telegram?.drainReplies?.(async () => undefined)) ?? []).toEqual([]);
    expect(h.fake.textsTo(ann.id).slice(before.ann)).toHaveLength(3);
  });

  it("honours retry_after on 429 and still delivers", async () => {
    const slow = person("Slow");
    await h.post(tgText(slow, "/start"));
    h.fake.failNext("sendMessage", {
      error_code: 429,
      description: "Too Many Requests: retry after 1",
      parameters: { retry_after: 1 },
    });
    const started = Date.now();
    await h.post(tgText(slow, "hello"));
    const attempts = h.fake.sent("sendMessage", slow.id).slice(-2);
    expect(attempts).toHaveLength(2);
    expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(lastTo(slow)).toContain("I found no open jobs for “hello”");
  });
});

describe("Telegram: conversation expiry", () => {
  it("starts over with a friendly note after inactivity", async () => {
    const short = await telegramHarness({ CONVERSATION_TTL_HOURS: "0.0002" });
    try {
      const idle: TgUser = { id: 9_199_999, first_name: "Idle", language_code: "en" };
      await short.post(tgText(idle, "/start"));
      await short.post(tgButton(idle, "m:link"));
      await new Promise((resolve) => setTimeout(resolve, 900));
      await short.post(tgText(idle, "123456"));
      expect(short.fake.textsTo(idle.id).at(-1)).toContain("It has been a while, so let's start again.");
    } finally {
      await short.close();
    }
  });
});
