import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditModel } from "../../core/admin/audit-log.ts";
import { userModels } from "../../core/users/user-model.ts";
import { createChannelSenders } from "../../bots/channels/senders.ts";
import { attachWorkers } from "../../jobs/runtime/create-runtime.ts";
import { buttonsOf } from "../fakes/fake-telegram-api.ts";
import { tgButton, tgText, type TgUser } from "../fakes/telegram-updates.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { telegramHarness, type TelegramHarness } from "../helpers/telegram-harness.ts";

const OWNER: TgUser = { id: 6_000_001, first_name: "Owner", language_code: "en" };
const ANN: TgUser = { id: 6_000_010, first_name: "Ann", language_code: "en", username: "ann_mm" };
let h: TelegramHarness;
const lastTo = (user: TgUser) => h.fake.textsTo(user.id).at(-1) ?? "";
const lastCall = (user: TgUser) =>
  h.fake.calls
    .filter(
      (call) => String(call.payload.chat_id) === String(user.id) && /^(sendMessage|editMessageText)$/.test(call.method),
    )
    .at(-1);
const press = async (user: TgUser, label: string) => {
  const data = buttonsOf(lastCall(user)).find((button) => button.text === label)?.data;
  if (data === undefined) throw new Error(`no button "${label}" in: ${lastTo(user)}`);
  await h.post(tgButton(user, data));
};
let annId = "";

beforeAll(async () => {
  h = await telegramHarness({ ADMIN_TELEGRAM_IDS: String(OWNER.id), QUIET_HOURS: "off" });
  attachWorkers(h.t.runtime, h.t.core, createChannelSenders(h.t.runtime.config, h.t.runtime.redis));
  await h.post(tgText(OWNER, "/start"));
  await h.post(tgText(ANN, "/start"));
  await h.post(tgButton(ANN, "m:lang.en"));
  annId = (await userModels(h.t.runtime.mongo).Identity.findById(`tg:${ANN.id}`).lean())?.userId ?? "";
});
afterAll(() => h.close());

describe("/user", () => {
  it("finds a user by public id or @username, shows a summary, and audits the view", async () => {
    await h.post(tgText(OWNER, `/user ${annId}`));
    const card = lastTo(OWNER);
    expect(card).toContain(`${annId} · Ann`);
    expect(card).toContain("Status: active");
    expect(card).toContain("Chats: Telegram @ann_mm: reachable");
    expect(buttonsOf(lastCall(OWNER)).map((button) => button.text)).toEqual([
      "🚫 Ban",
      "♻️ Reset conversation",
      "✉️ Send a message",
      "✖️ Cancel",
    ]);
    await h.post(tgText(OWNER, "/user @ann_mm"));
    expect(lastTo(OWNER)).toContain(`${annId} · Ann`);
    await h.post(tgText(OWNER, "/user 09 420 000 000"));
    expect(lastTo(OWNER)).toBe('No user matches "09 420 000 000".');
    expect(await auditModel(h.t.runtime.mongo).countDocuments({ action: "user.view", target: annId })).toBe(2);
  });

  it("bans: the user is told once and gets no service; unban restores it; both audited", async () => {
    await h.post(tgText(OWNER, `/user ${annId}`));
    await press(OWNER, "🚫 Ban");
    // A reason, then a second tap: nobody is banned by one stray tap, and the person is told why.
    expect(lastTo(OWNER)).toBe(`Why ban ${annId}? Choose a reason or type one. They will be told it.`);
    await press(OWNER, "sending spam");
    expect(lastTo(OWNER)).toBe(`Ban ${annId} for: sending spam? They will get no service until unbanned.`);
    await press(OWNER, "🚫 Yes, ban");
    expect(h.fake.textsTo(OWNER.id).slice(-2)[0]).toContain(`${annId} is banned.`);
    expect(lastTo(OWNER)).toContain("Status: banned");

    const before = h.fake.textsTo(ANN.id).length;
    await h.post(tgText(ANN, "/start"));
    await h.post(tgText(ANN, "hello?"));
    await h.post(tgText(ANN, "/help"));
    const told = h.fake.textsTo(ANN.id).slice(before);
    expect(told).toEqual([
      "Your account is suspended: sending spam. If you think this is a mistake, write to TRM support with /support.",
    ]);
    // Support stays open to them: the way to contest the ban.
    await h.post(tgText(ANN, "/support"));
    expect(lastTo(ANN)).toBe("💬 Contact support. What is it about?");
    await h.post(tgButton(ANN, "n:cancel"));

    await press(OWNER, "✅ Unban");
    await h.post(tgText(ANN, "/help"));
    expect(h.fake.textsTo(ANN.id).at(-2)).toContain("TRM Jobs works the same on Telegram and Viber");
    const entries = await auditModel(h.t.runtime.mongo)
      .find({ target: annId, action: { $in: ["user.ban", "user.unban"] } })
      .sort({ at: 1 })
      .lean();
    expect(entries.map((entry) => [entry.action, entry.before, entry.after])).toEqual([
      ["user.ban", { status: "active" }, { status: "banned", reason: "spam" }],
      ["user.unban", { status: "banned" }, { status: "active" }],
    ]);
  });

  it("resets the user's conversation", async () => {
    await h.post(tgButton(ANN, "m:link"));
    await h.post(tgText(OWNER, `/user ${annId}`));
    await press(OWNER, "♻️ Reset conversation");
    await h.post(tgText(ANN, "12"));
    // Not "please type the 6 digits": the link flow was left, so the text is a job search.
    expect(lastTo(ANN)).toMatch(/^I found no open jobs for “12”/);
    expect(
      await auditModel(h.t.runtime.mongo).countDocuments({ action: "user.reset_conversation", target: annId }),
    ).toBe(1);
  });

  it("sends the user a message through the notification pipeline, after a preview", async () => {
    await h.post(tgText(OWNER, `/user ${annId}`));
    await press(OWNER, "✉️ Send a message");
    await h.post(tgText(OWNER, "Your interview is on Monday at 10:00."));
    expect(lastTo(OWNER)).toContain("Send this to");
    await press(OWNER, "📤 Send");
    expect(lastTo(OWNER)).toContain(`Queued for ${annId}.`);
    await waitFor(() => lastTo(ANN).includes("Monday"), 10_000, "the message");
    expect(lastTo(ANN)).toBe("Message from the TRM team:\nYour interview is on Monday at 10:00.");
    expect(await auditModel(h.t.runtime.mongo).countDocuments({ action: "user.message", target: annId })).toBe(1);
  });
});

describe("/stats", () => {
  it("shows user figures and queue depths in Yangon time", async () => {
    await h.post(tgText(OWNER, "/stats text"));
    const stats = lastTo(OWNER);
    expect(stats).toMatch(/^📊 Stats · \d{4}-\d\d-\d\d \d\d:\d\d \(Yangon\)/);
    expect(stats).toContain("Users: 2 · Telegram chats 2 · Viber chats 0");
    expect(stats).toContain("Language: English 2 · Burmese 0");
    expect(stats).toContain("New: today 2 · last 7 days 2");
    expect(stats).toContain("Active: 24 h 2");
    expect(stats).toMatch(/notify-telegram: \d+ \/ \d+ \/ \d+/);
    await h.post(tgText(ANN, "/stats"));
    expect(lastTo(ANN)).toContain("didn't understand");
  });
});
