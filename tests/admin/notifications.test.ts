import { worstWindow } from "../helpers/rate-windows.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChannelSenders } from "../../bots/channels/senders.ts";
import {
  notificationModel,
  outcomeModel,
  queueingModel,
  sendClaimModel,
} from "../../core/notifications/notification-service.ts";
import { quietDelayMs, parseQuietHours } from "../../core/notifications/quiet-hours.ts";
import { userModels } from "../../core/users/user-model.ts";
import type { Job } from "bullmq";
import { decisionSweeperQueueDefinition } from "../../jobs/decisions/decision-sweeper.ts";
import { NOTIFY_QUEUES } from "../../jobs/notifications/notify-queues.ts";
import { attachWorkers } from "../../jobs/runtime/create-runtime.ts";
import { tgText, type TgUser } from "../fakes/telegram-updates.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { telegramHarness, type TelegramHarness } from "../helpers/telegram-harness.ts";

let h: TelegramHarness;
let n = 7_000_000;
const text = (value: string) => ({ en: `EN ${value}`, my: `MY ${value}` });
async function person(language = "en"): Promise<{ user: TgUser; id: string }> {
  const user: TgUser = { id: ++n, first_name: `P${n}`, language_code: language };
  await h.post(tgText(user, "/start"));
  return { user, id: (await userModels(h.t.runtime.mongo).Identity.findById(`tg:${user.id}`).lean())?.userId ?? "" };
}
const notify = (userId: string, key: string, urgent = true) =>
  h.t.bot.services.notifier.notify({ userId, key, text: text(key), urgent });
const status = async (key: string) => (await h.t.core.notifier.find(key))?.status;

beforeAll(async () => {
  h = await telegramHarness({ QUIET_HOURS: "off", NOTIFY_TELEGRAM_PER_SECOND: "20", SEND_TIMEOUT_SECONDS: "1" });
  attachWorkers(h.t.runtime, h.t.core, createChannelSenders(h.t.runtime.config, h.t.runtime.redis));
});
afterAll(() => h.close());

describe("notification pipeline", () => {
  it("delivers in the person's language, and a key is queued once only", async () => {
    const { user, id } = await person("my");
    expect(await notify(id, "t1:a")).toBe("queued");
    expect(await notify(id, "t1:a")).toBe("duplicate");
    await waitFor(async () => (await status("t1:a")) === "sent");
    expect(h.fake.textsTo(user.id).filter((value) => value === "MY t1:a")).toHaveLength(1);
  });

  it("a notification recorded whose queueing failed (Redis down) is queued again, sent once", async () => {
    const { user, id } = await person();
    // The record is written, then the queueing fails: no job. Before, a retry answered "duplicate", it stayed queued.
    const identity = await userModels(h.t.runtime.mongo).Identity.findById(`tg:${user.id}`).lean();
    const recordOnly = (key: string) =>
      notificationModel(h.t.runtime.mongo).create({
        _id: key,
        userId: id,
        identityKey: identity?._id,
        transport: "telegram",
        text: text(key),
        imageUrl: null,
        urgent: true,
        status: "queued",
        createdAt: new Date(Date.now() - 5 * 60_000),
        sentAt: null,
      });
    await recordOnly("t9:retried");
    expect(await notify(id, "t9:retried")).toBe("duplicate");
    await waitFor(async () => (await status("t9:retried")) === "sent");
    // Nobody retries: the sweeper queues it again, from the note written before the record ("its job may not be
    // queued yet"), which the queueing would have removed.
    await recordOnly("t9:swept");
    await queueingModel(h.t.runtime.mongo).create({
      _id: "t9-cut-off",
      entries: [{ key: "t9:swept", transport: "telegram" }],
      dueAt: new Date(Date.now() - 5 * 60_000),
    });
    expect(await h.t.core.notifier.requeueStuck()).toBe(1);
    await waitFor(async () => (await status("t9:swept")) === "sent");
    // Once queued, nothing is left for the sweeper: it never reads the notifications delivered.
    expect(await queueingModel(h.t.runtime.mongo).countDocuments({})).toBe(0);
    expect(await h.t.core.notifier.requeueStuck(0)).toBe(0);
    // Queued again any number of times, sent once (the queue keeps one job per key).
    await notify(id, "t9:retried");
    await h.t.core.notifier.requeueStuck(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const key of ["t9:retried", "t9:swept"])
      expect(h.fake.textsTo(user.id).filter((value) => value === `EN ${key}`)).toHaveLength(1);
  });

  it("when Redis lost its queues, the sweeper queues every notification not sent again, once", async () => {
    const { user, id } = await person();
    await notify(id, "t10:sent");
    await waitFor(async () => (await status("t10:sent")) === "sent");
    // With the marker Redis keeps, a sweep (this test's or the worker's own, every minute) looks at the cut-off
    // queueings only.
    const marker = `${h.t.runtime.config.redis.prefix}:notify-queues-kept`;
    await h.t.runtime.redis.set(marker, "kept");
    // Redis is emptied (or new): the job of a notification waiting in it is gone; nothing says its queueing failed.
    const identity = await userModels(h.t.runtime.mongo).Identity.findById(`tg:${user.id}`).lean();
    await notificationModel(h.t.runtime.mongo).create({
      _id: "t10:lost",
      userId: id,
      identityKey: identity?._id,
      transport: "telegram",
      text: text("t10:lost"),
      imageUrl: null,
      urgent: true,
      status: "queued",
      createdAt: new Date(),
      dueAt: new Date(),
      sentAt: null,
    });
    const sweep = decisionSweeperQueueDefinition();
    const ctx = {
      logger: h.t.runtime.logger,
      token: undefined,
      rateLimit: async () => undefined,
      deps: { core: h.t.core, config: h.t.runtime.config, redis: h.t.runtime.redis, senders: {} },
    };
    await sweep.process({} as Job<Record<string, never>>, ctx);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await status("t10:lost")).toBe("queued");
    // Without it (an emptied Redis has none), the next sweep goes through every record once, then marks Redis.
    await h.t.runtime.redis.del(marker);
    await sweep.process({} as Job<Record<string, never>>, ctx);
    expect(await h.t.runtime.redis.exists(marker)).toBe(1);
    await waitFor(async () => (await status("t10:lost")) === "sent");
    expect(await h.t.core.notifier.requeueUnsent()).toBe(0);
    for (const key of ["t10:sent", "t10:lost"])
      expect(h.fake.textsTo(user.id).filter((value) => value === `EN ${key}`)).toHaveLength(1);
  });

  it("keeps one chat to about one message per second", async () => {
    const { user, id } = await person();
    for (const key of ["t2:a", "t2:b", "t2:c"]) await notify(id, key);
    await waitFor(async () => (await status("t2:c")) === "sent" && (await status("t2:b")) === "sent");
    const times = h.fake
      .sent("sendMessage", user.id)
      .filter((call) => String(call.payload.text).startsWith("EN t2"))
      .map((call) => call.at)
      .sort();
    expect(times).toHaveLength(3);
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(900);
    expect((times[2] ?? 0) - (times[1] ?? 0)).toBeGreaterThanOrEqual(900);
  });

  it("never exceeds the configured overall rate in any one-second window", async () => {
    const people = await Promise.all(Array.from({ length: 50 }, () => person()));
    const started = Date.now();
    await Promise.all(people.map(({ id }, i) => notify(id, `t3:${i}`)));
    await waitFor(
      async () =>
        (await outcomeModel(h.t.runtime.mongo).countDocuments({ _id: { $regex: "^t3:" }, status: "sent" })) === 50,
      20_000,
    );
    const times = h.fake
      .sent("sendMessage")
      .filter((call) => call.at >= started && String(call.payload.text).startsWith("EN t3:"))
      .map((call) => call.at)
      .sort((a, b) => a - b);
    expect(times).toHaveLength(50);
    expect(worstWindow(times)).toBeLessThanOrEqual(20);
  });

  it("honours retry_after on 429 by pausing the queue, then delivers", async () => {
    const { user, id } = await person();
    h.fake.failNext("sendMessage", {
      error_code: 429,
      description: "Too Many Requests: retry after 2",
      parameters: { retry_after: 2 },
    });
    await notify(id, "t4:a");
    await waitFor(async () => (await status("t4:a")) === "sent");
    const attempts = h.fake.sent("sendMessage", user.id).filter((call) => call.payload.text === "EN t4:a");
    expect(attempts).toHaveLength(2);
    expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(1900);
  });

  it("marks a person who blocked the bot unreachable and skips them afterwards", async () => {
    const { user, id } = await person();
    h.fake.failNext("sendMessage", { error_code: 403, description: "Forbidden: bot was blocked by the user" });
    await notify(id, "t5:a");
    await waitFor(async () => (await status("t5:a")) === "unreachable");
    expect((await userModels(h.t.runtime.mongo).Identity.findById(`tg:${user.id}`).lean())?.reachable).toBe(false);
    expect(await notify(id, "t5:b")).toBe("unreachable");
  });

  it("does not send twice a notification that was in flight when its worker died", async () => {
    const { user, id } = await person();
    await h.t.runtime.queues.get(NOTIFY_QUEUES.telegram).pause();
    await notify(id, "t6:a");
    await notificationModel(h.t.runtime.mongo).updateOne({ _id: "t6:a" }, { $set: { status: "sending" } });
    await h.t.runtime.queues.get(NOTIFY_QUEUES.telegram).resume();
    await waitFor(async () => (await status("t6:a")) === "uncertain");
    expect(h.fake.textsTo(user.id).filter((value) => value === "EN t6:a")).toHaveLength(0);
  });

  it("does not send a notification whose send was claimed by a run that died (or still runs)", async () => {
    const { user, id } = await person();
    const queue = h.t.runtime.queues.get(NOTIFY_QUEUES.telegram);
    await queue.pause();
    await notify(id, "t6:d");
    await notify(id, "t6:e");
    // t6:d: claimed three minutes ago by a run that died; t6:e: claimed just now by a run that may still be going.
    await sendClaimModel(h.t.runtime.mongo).create({ _id: "t6:d", at: new Date(Date.now() - 3 * 60_000) });
    await sendClaimModel(h.t.runtime.mongo).create({ _id: "t6:e", at: new Date() });
    await queue.resume();
    await waitFor(async () => (await queue.getJobState(encodeURIComponent("t6:e"))) === "completed");
    await waitFor(async () => (await queue.getJobState(encodeURIComponent("t6:d"))) === "completed");
    expect(await status("t6:d")).toBe("uncertain");
    expect(await status("t6:e")).toBe("sending");
    expect(h.fake.textsTo(user.id).filter((value) => value.startsWith("EN t6:"))).toHaveLength(0);
  });

  it("leaves what became of a send to the run that claimed it, though a later run finds the person gone", async () => {
    const { user, id } = await person();
    const queue = h.t.runtime.queues.get(NOTIFY_QUEUES.telegram);
    await queue.pause();
    await notify(id, "t6:f");
    // A run claimed the send just now and is still sending; meanwhile the person blocked the bot, and a second run of
    // the job (a stalled job's retry) starts.
    await sendClaimModel(h.t.runtime.mongo).create({ _id: "t6:f", at: new Date() });
    await userModels(h.t.runtime.mongo).Identity.updateOne({ _id: `tg:${user.id}` }, { $set: { reachable: false } });
    await h.t.core.users.forget(`tg:${user.id}`);
    await queue.resume();
    await waitFor(async () => (await queue.getJobState(encodeURIComponent("t6:f"))) === "completed");
    expect(await status("t6:f")).toBe("sending");
    // The first run's send went through: that is what is recorded.
    await h.t.core.notifier.markSent("t6:f");
    expect(await status("t6:f")).toBe("sent");
  });

  it("records a send whose answer never came as uncertain and never sends it again", async () => {
    const { user, id } = await person();
    h.fake.hold(); // Telegram received it, but answers after our client timeout (1 s here).
    await notify(id, "t6:b");
    await waitFor(async () => (await status("t6:b")) === "uncertain", 10_000);
    h.fake.release();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(h.fake.sent("sendMessage", user.id).filter((call) => call.payload.text === "EN t6:b")).toHaveLength(1);
    expect(await status("t6:b")).toBe("uncertain");
  });

  it("retries a send Telegram refused with a 5xx (it was not accepted), and delivers it once", async () => {
    const { user, id } = await person();
    h.fake.failNext("sendMessage", { error_code: 502, description: "Bad Gateway" });
    await notify(id, "t6:c");
    await waitFor(async () => (await status("t6:c")) === "sent", 20_000);
    expect(h.fake.textsTo(user.id).filter((value) => value === "EN t6:c")).toHaveLength(1);
    expect(h.fake.sent("sendMessage", user.id).filter((call) => call.payload.text === "EN t6:c")).toHaveLength(2);
  });

  it("holds non-urgent notifications during quiet hours (Yangon time) and sends urgent ones at once", async () => {
    const quiet = parseQuietHours("22:00-07:00");
    // 23:30 in Yangon is 17:00 UTC: 7.5 hours to wait.
    expect(quietDelayMs(quiet, new Date("2026-11-22T17:00:00Z"))).toBe(7.5 * 3600_000);
    // 12:00 in Yangon is 05:30 UTC: no wait.
    expect(quietDelayMs(quiet, new Date("2026-11-22T05:30:00Z"))).toBe(0);
    expect(quietDelayMs(parseQuietHours("off"), new Date("2026-11-22T17:00:00Z"))).toBe(0);

    const always = await telegramHarness({ QUIET_HOURS: "00:00-23:59" });
    try {
      const user: TgUser = { id: 7_999_001, first_name: "Night", language_code: "en" };
      await always.post(tgText(user, "/start"));
      const id = (await userModels(always.t.runtime.mongo).Identity.findById(`tg:${user.id}`).lean())?.userId ?? "";
      await always.t.bot.services.notifier.notify({ userId: id, key: "t7:later", text: text("later") });
      await always.t.bot.services.notifier.notify({ userId: id, key: "t7:now", text: text("now"), urgent: true });
      const queue = always.t.runtime.queues.get(NOTIFY_QUEUES.telegram);
      expect(await queue.getJobState(encodeURIComponent("t7:later"))).toBe("delayed");
      expect(await queue.getJobState(encodeURIComponent("t7:now"))).toBe("waiting");
    } finally {
      await always.close();
    }
  });
});
