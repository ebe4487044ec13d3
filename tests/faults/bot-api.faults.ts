/**
 * The Bot API fails: it refuses connections for 4 s (an outage: replies wait in the chat's outbox and arrive later,
 * in order), then goes quiet for 3 s while notifications are being sent (their answers come after our timeout: each
 * such send is recorded uncertain and never repeated).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChannelSenders } from "../../bots/channels/senders.ts";
import { userModels } from "../../core/users/user-model.ts";
import { attachWorkers } from "../../jobs/runtime/create-runtime.ts";
import { tgText } from "../fakes/telegram-updates.ts";
import { telegramHarness, type TelegramHarness } from "../helpers/telegram-harness.ts";
import { countNotifications, notificationStatuses } from "../helpers/notification-statuses.ts";
import { answeredWords, chatStream, counts, eventually, FaultClock, report, sleep } from "./fault-kit.ts";

let h: TelegramHarness;

beforeAll(async () => {
  h = await telegramHarness({ QUIET_HOURS: "off", SEND_TIMEOUT_SECONDS: "1" });
  attachWorkers(h.t.runtime, h.t.core, createChannelSenders(h.t.runtime.config, h.t.runtime.redis));
});
afterAll(() => h.close());

const people = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ id: from + i, first_name: `B${i}`, language_code: "en" }));

describe("a failing and a slow Bot API", () => {
  it("an outage delays replies and loses none", async () => {
    const chatters = people(9_820_000, 20);
    for (const person of chatters) await h.post(tgText(person, "/start"));
    const clock = new FaultClock();
    let over = false;
    const chats = chatStream(h, chatters, clock, () => over);
    await sleep(1_500);
    await h.fake.goDown();
    clock.fault();
    await sleep(4_000);
    const prefix = h.t.runtime.config.redis.prefix;
    const lists = await h.t.runtime.redis.keys(`${prefix}:tg:outbox:*:replies`);
    let waited = 0;
    for (const list of lists) waited += await h.t.runtime.redis.llen(list);
    await h.fake.comeBack();
    over = true;
    await chats.done;
    const waiting = async () => (await h.t.runtime.redis.keys(`${prefix}:tg:outbox:*:replies`)).length;
    await eventually(async () => (await waiting()) === 0, 30_000);
    const replies = counts(chatters.flatMap((person) => answeredWords(h.fake.textsTo(person.id))));
    const row = {
      scenario: "Bot API refusing connections for 4 s: chat replies",
      accepted: chats.accepted.size,
      lost: [...chats.accepted].filter((word) => !replies.has(word)).length,
      duplicated: [...replies.values()].filter((times) => times > 1).length,
      stuck: await waiting(),
      uncertain: 0,
      // Replies that waited in the outbox when Telegram came back.
      retried: waited,
      recoveredIn: clock.recoveredIn,
    };
    report(row);
    expect([row.lost, row.duplicated, row.stuck]).toEqual([0, 0, 0]);
  });

  it("a Bot API that answers after our timeout gets no second copy of anything", async () => {
    const readers = people(9_821_000, 30);
    for (const person of readers) await h.post(tgText(person, "/start"));
    const users = await Promise.all(
      readers.map(
        async (person) =>
          (await userModels(h.t.runtime.mongo).Identity.findById(`tg:${person.id}`).lean())?.userId ?? "",
      ),
    );
    const clock = new FaultClock();
    const keys = users.map((_, n) => `slow-notice:${n}`);
    const queueing = (async () => {
      for (const [n, userId] of users.entries()) {
        await h.t.core.notifier.notify({
          userId,
          key: keys[n] ?? "",
          text: { en: `Slow notice ${n}.`, my: `Slow notice ${n}.` },
          urgent: true,
        });
        await sleep(100);
      }
    })();
    await sleep(800);
    h.fake.hold();
    clock.fault();
    await sleep(3_000);
    h.fake.release();
    await queueing;
    const settled = async () =>
      (await countNotifications(h.t.runtime.mongo, { _id: { $in: keys } }, ["sent", "uncertain"])) === keys.length;
    await eventually(settled, 60_000);
    await sleep(1_000);
    const records = await notificationStatuses(h.t.runtime.mongo, { _id: { $in: keys } });
    const received = counts(
      readers.flatMap((person) =>
        h.fake.textsTo(person.id).flatMap((text) => [...text.matchAll(/Slow notice (\d+)\./g)].map((m) => m[1] ?? "")),
      ),
    );
    const row = {
      scenario: "Bot API answering after our timeout (3 s quiet): notifications",
      accepted: keys.length,
      lost: records.filter((record) => record.status === "sent" && !received.has(record._id.split(":")[1] ?? ""))
        .length,
      duplicated: [...received.values()].filter((times) => times > 1).length,
      stuck: records.filter((record) => record.status === "queued" || record.status === "sending").length,
      uncertain: records.filter((record) => record.status === "uncertain").length,
      retried: 0,
      recoveredIn: 0,
    };
    report(row);
    expect([row.lost, row.duplicated, row.stuck]).toEqual([0, 0, 0]);
  });
});
