import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userModels } from "../../core/users/user-model.ts";
import { decisionModel } from "../../core/decisions/decision-store.ts";
import { LinkService } from "../../core/linking/link-service.ts";
import { keyboardOf } from "../fakes/fake-viber-api.ts";
import { tgText } from "../fakes/telegram-updates.ts";
import {
  signViber,
  vbConversationStarted,
  vbPicture,
  vbReceipt,
  vbText,
  vbUnsubscribed,
  vbWebhookCheck,
  type VbUser,
} from "../fakes/viber-events.ts";
import { VB_TOKEN, viberHarness, type ViberHarness } from "../helpers/viber-harness.ts";
import { waitFor } from "../helpers/wait-for.ts";

let h: ViberHarness;
let n = 0;
const person = (name: string, language = "en"): VbUser => ({ id: `vbUser${++n}${"x".repeat(6)}==`, name, language });
const models = () => userModels(h.t.runtime.mongo);
const lastText = (user: VbUser) => h.viber.textsTo(user.id).at(-1) ?? "";

beforeAll(async () => {
  h = await viberHarness();
});
afterAll(() => h.close());

describe("Viber: first contact and language", () => {
  it("answers conversation_started with the welcome in the response body, in English", async () => {
    const john = person("John McClane", "en");
    const { status, body } = await h.post(vbConversationStarted(john));
    expect(status).toBe(200);
    expect(body).toMatchObject({ type: "text", sender: { name: "TRM Jobs" }, min_api_version: 3 });
    expect(body.receiver).toBeUndefined();
    expect(String(body.text)).toContain("Welcome to TRM Jobs, John McClane!");
    expect(keyboardOf(body).map((button) => button.body)).toEqual(["m:lang.en", "m:lang.my"]);
    expect(h.viber.textsTo(john.id)).toEqual([]);

    await h.post(vbText(john, "m:lang.en"));
    expect(lastText(john)).toContain("Done, I'll speak English.");
    const keyboard = keyboardOf(h.viber.lastTo(john.id)?.payload);
    expect(keyboard.map((button) => button.text)).toEqual([
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
    expect(keyboard.map((button) => button.columns)).toEqual([3, 3, 6, 3, 3, 3, 3, 3, 3, 6, 3, 3, 6]);
  });

  it("greets in Burmese when Viber says the person uses Burmese, and switches language later", async () => {
    const hla = person("Hla", "my");
    const { body } = await h.post(vbConversationStarted(hla));
    expect(String(body.text)).toContain("TRM Jobs မှ ကြိုဆိုပါတယ် Hla။");
    await h.post(vbText(hla, "m:lang.my"));
    expect(lastText(hla)).toContain("မြန်မာလို ပြောပါမယ်");
    await h.post(vbText(hla, "m:language"));
    await h.post(vbText(hla, "m:lang.en"));
    expect(lastText(hla)).toContain("Done, I'll speak English.");
  });

  it("answers the webhook check, records receipts without replying, and understands pictures", async () => {
    expect((await h.post(vbWebhookCheck())).status).toBe(200);
    const pic = person("Pic");
    await h.post(vbConversationStarted(pic));
    h.viber.clear();
    for (const event of ["delivered", "seen", "failed"] as const)
      expect((await h.post(vbReceipt(pic, event))).status).toBe(200);
    expect(h.viber.calls).toHaveLength(0);
    const metrics = await h.t.app.inject({ method: "GET", url: "/metrics" });
    expect(metrics.body).toMatch(/channel_receipts_total\{channel="viber",event="failed"\} 1/);
    await h.post(vbPicture(pic));
    expect(lastText(pic)).toBe("I can't use a photo or file here. Please choose from the menu.");
  });
});

describe("Viber: invites, signatures, dedupe and order", () => {
  it("records the inviter from the deep-link context exactly once", async () => {
    const inviter = person("Inviter");
    await h.post(vbConversationStarted(inviter));
    await h.post(vbText(inviter, "m:invite"));
    const code = /Your invite code: (U\w{7})/.exec(h.viber.textsTo(inviter.id).join("\n"))?.[1] ?? "";
    expect(h.viber.textsTo(inviter.id).join("\n")).toContain(`viber://pa?chatURI=trmjobs&context=${code}`);

    const friend = person("Friend");
    const { body } = await h.post(vbConversationStarted(friend, code));
    expect(String(body.text)).toContain("You joined through an invite from Inviter.");
    // Opening the chat again (conversation_started fires every time) with another code changes nothing.
    await h.post(vbConversationStarted(friend, "UQQQQQQQ"));
    const friendUser = await models()
      .User.findById((await models().Identity.findById(`vb:${friend.id}`).lean())?.userId)
      .lean();
    expect(friendUser?.invitedBy).toBe(code);
  });

  it("rejects a missing or wrong signature and a tampered body, processing nothing", async () => {
    const eve = person("Eve");
    const raw = vbConversationStarted(eve);
    expect((await h.post(raw, null)).status).toBe(401);
    expect((await h.post(raw, "0".repeat(64))).status).toBe(401);
    const tampered = raw.replace('"Eve"', '"Mallory"');
    expect((await h.post(tampered, signViber(VB_TOKEN, raw))).status).toBe(401);
    expect(await models().Identity.findById(`vb:${eve.id}`).lean()).toBeNull();
  });

  it("keeps 19-digit message tokens exact and handles a redelivered message once", async () => {
    const dup = person("Dup");
    await h.post(vbConversationStarted(dup));
    const a = 4_912_661_846_655_238_201n;
    const b = 4_912_661_846_655_238_202n;
    const raw = vbText(dup, "hello?", a);
    const before = h.viber.textsTo(dup.id).length;
    await h.post(raw);
    await Promise.all([h.post(raw), h.post(raw)]);
    // A token that differs only past float precision is a different message, not a duplicate.
    await h.post(vbText(dup, "hello again?", b));
    expect(h.viber.textsTo(dup.id).length - before).toBe(2);
    const conversation = await h.t.bot.services.conversations.load(`vb:${dup.id}`);
    expect(conversation?.recentUpdates).toContain(`vb:m:${a.toString()}`);
    expect(conversation?.recentUpdates).toContain(`vb:m:${b.toString()}`);
  });

  it("handles two messages of one chat sent at once in timestamp order", async () => {
    const order = person("Order");
    await h.post(vbConversationStarted(order));
    const now = Date.now();
    const first = vbText(order, "first", 4_912_661_846_655_239_001n, now);
    const second = vbText(order, "second", 4_912_661_846_655_239_002n, now + 1);
    // While a reply holds the chat's turn, the later message arrives first and the earlier one after it.
    const pending = `${h.t.runtime.config.redis.prefix}:chat:vb:{${order.id}}:pending`;
    h.viber.hold();
    const blocker = h.post(vbText(order, "blocker", 4_912_661_846_655_239_000n, now - 1));
    await waitFor(() => h.viber.heldCount > 0, 10_000, "the blocker's reply to be in flight");
    const later = h.post(second);
    await waitFor(async () => (await h.t.runtime.redis.zcard(pending)) === 2, 10_000, "the later message to queue");
    const earlier = h.post(first);
    await waitFor(async () => (await h.t.runtime.redis.zcard(pending)) === 3, 10_000, "the earlier message to queue");
    h.viber.release();
    await Promise.all([blocker, later, earlier]);
    const conversation = await h.t.bot.services.conversations.load(`vb:${order.id}`);
    expect(conversation?.recentUpdates.slice(-2)).toEqual(["vb:m:4912661846655239001", "vb:m:4912661846655239002"]);
  });

  it("marks an unsubscribed person unreachable, and a 'not subscribed' send too", async () => {
    const bye = person("Bye");
    await h.post(vbConversationStarted(bye));
    await h.post(vbText(bye, "m:lang.en"));
    await h.post(vbUnsubscribed(bye));
    expect((await models().Identity.findById(`vb:${bye.id}`).lean())?.reachable).toBe(false);
    await h.post(vbText(bye, "hi again"));
    expect((await models().Identity.findById(`vb:${bye.id}`).lean())?.reachable).toBe(true);
    h.viber.failNext("send_message", 6);
    await h.post(vbText(bye, "hello"));
    expect((await models().Identity.findById(`vb:${bye.id}`).lean())?.reachable).toBe(false);
  });

  it("reads Zawgyi and Burmese digits as Unicode and ASCII on Viber too", async () => {
    const zaw = person("Zaw", "my");
    await h.post(vbConversationStarted(zaw));
    await h.post(vbText(zaw, "m:echo"));
    await h.post(vbText(zaw, "ကားေမာင္းသူ ၁၂၃"));
    expect(lastText(zaw)).toBe("echo:ကားမောင်းသူ 123");
  });
});

describe("Account linking across Telegram and Viber", () => {
  it("joins a Viber identity to the Telegram account with a one-time code typed in Burmese digits", async () => {
    const tg = { id: 9_300_001, first_name: "Mya", language_code: "en" };
    await h.postTelegram(tgText(tg, "/start"));
    const tgUserId = (await models().Identity.findById(`tg:${tg.id}`).lean())?.userId ?? "";
    const shown = await h.t.bot.services.links.issue(tgUserId);

    const vb = person("Mya on Viber");
    await h.post(vbConversationStarted(vb));
    await h.post(vbText(vb, "m:link"));
    const enter =
      keyboardOf(h.viber.lastTo(vb.id)?.payload).find((button) => button.text === "⌨️ Enter a code")?.body ?? "";
    await h.post(vbText(vb, enter));
    expect(lastText(vb)).toBe("Type the 6-digit code shown in your other app:");
    const burmeseDigits = shown.code.replace(/\d/g, (digit) => String.fromCodePoint(0x1040 + Number(digit)));
    await h.post(vbText(vb, burmeseDigits));
    expect(lastText(vb)).toContain("Done! Telegram and Viber are now one account.");
    expect((await models().Identity.findById(`vb:${vb.id}`).lean())?.userId).toBe(tgUserId);

    // The code worked once only.
    const other = person("Other");
    await h.post(vbConversationStarted(other));
    await h.post(vbText(other, "m:link"));
    await h.post(vbText(other, shown.code));
    expect(lastText(other)).toBe("That code is wrong or has expired. 4 tries left.");
  });

  it("a code used but cut off by a crash is finished: by typing it again, or by the sweeper", async () => {
    const links = h.t.bot.services.links;
    const usedBy = async (identityKey: string, code: string) => {
      const doc = await LinkService.registerModel(h.t.runtime.mongo).findById(code).lean();
      await decisionModel(h.t.runtime.mongo).create({
        _id: `link-code:${code}:${doc?.createdAt.getTime() ?? 0}:used`,
        at: new Date(),
        meta: { identityKey },
      });
    };
    const tg = { id: 9_300_002, first_name: "Hla", language_code: "en" };
    await h.postTelegram(tgText(tg, "/start"));
    const owner = (await models().Identity.findById(`tg:${tg.id}`).lean())?.userId ?? "";
    const [first, second] = [person("Hla on Viber"), person("Hla's second phone")];
    for (const vb of [first, second]) await h.post(vbConversationStarted(vb));
    // The decision is recorded, then the process dies before the identity moves. Before, typing the code again was
    // "wrong or expired" forever.
    const typedAgain = await links.issue(owner);
    await usedBy(`vb:${first.id}`, typedAgain.code);
    expect(await links.redeem(typedAgain.code, `vb:${first.id}`)).toEqual({ kind: "linked", userId: owner });
    expect((await models().Identity.findById(`vb:${first.id}`).lean())?.userId).toBe(owner);
    // Nobody types it again: the sweeper finishes the move.
    const swept = await links.issue(owner);
    await usedBy(`vb:${second.id}`, swept.code);
    expect(await links.finishStuck()).toEqual([swept.code]);
    expect((await models().Identity.findById(`vb:${second.id}`).lean())?.userId).toBe(owner);
    expect(await links.finishStuck()).toEqual([]);
    // Someone else typing a used code is still refused.
    expect(await links.redeem(swept.code, `vb:${first.id}`)).toMatchObject({ kind: "invalid" });
  });

  it("limits wrong codes", async () => {
    const guesser = person("Guesser");
    await h.post(vbConversationStarted(guesser));
    await h.post(vbText(guesser, "m:link"));
    const replies: string[] = [];
    for (let i = 0; i < 5; i++) {
      await h.post(vbText(guesser, String(100000 + i)));
      replies.push(lastText(guesser));
    }
    expect(replies.slice(0, 3)).toEqual([
      "That code is wrong or has expired. 4 tries left.",
      "That code is wrong or has expired. 3 tries left.",
      "That code is wrong or has expired. 2 tries left.",
    ]);
    expect(replies[4]).toContain("Too many wrong codes. Please try again in an hour.");
    await h.post(vbText(guesser, "m:link"));
    await h.post(vbText(guesser, "123456"));
    expect(lastText(guesser)).toContain("Too many wrong codes");
  });
});
