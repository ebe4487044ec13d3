/**
 * Redis killed with SIGKILL three times (each time it is back, 1.5 s later) while people write to the bot and
 * notifications are queued for them. The supervisor brings it back with its append-only file; Telegram delivers
 * again what was not taken (the webhook answers 503 with Retry-After meanwhile).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userModels } from "../../core/users/user-model.ts";
import { tgText } from "../fakes/telegram-updates.ts";
import type { TelegramHarness } from "../helpers/telegram-harness.ts";
import { countNotifications, notificationStatuses } from "../helpers/notification-statuses.ts";
import { answeredWords, chatStream, counts, eventually, FaultClock, faultApp, report, sleep } from "./fault-kit.ts";

const CHATS = 20;
const NOTICES = 60;

let app: Awaited<ReturnType<typeof faultApp>>;
let fault: typeof app.fault;
let h: TelegramHarness;

beforeAll(async () => {
  app = await faultApp({});
  ({ fault, h } = app);
});
afterAll(() => app.close());

describe("Redis killed during a stream of updates and notifications", () => {
  it("loses nothing, sends nothing twice, leaves nothing stuck", async () => {
    const people = Array.from({ length: CHATS }, (_, i) => ({
      id: 9_810_000 + i,
      first_name: `R${i}`,
      language_code: "en",
    }));
    for (const person of people) await h.post(tgText(person, "/start"));
    const users = await Promise.all(
      people.map(
        async (person) =>
          (await userModels(h.t.runtime.mongo).Identity.findById(`tg:${person.id}`).lean())?.userId ?? "",
      ),
    );
    const clocks = { updates: new FaultClock(), notices: new FaultClock() };
    let faultsOver = false;
    const chats = chatStream(h, people, clocks.updates, () => faultsOver);
    // Notices queued one every 250 ms through the fault; a failed queueing is tried again, as its caller would.
    const queued = new Set<string>();
    const notices = (async () => {
      for (let n = 0; n < NOTICES; n++) {
        const key = `fault-notice:${n}`;
        for (let attempt = 0; attempt < 90; attempt++) {
          try {
            await h.t.core.notifier.notify({
              userId: users[n % users.length] ?? "",
              key,
              text: { en: `Fault notice ${n}.`, my: `Fault notice ${n}.` },
              urgent: true,
            });
            queued.add(key);
            break;
          } catch {
            clocks.notices.failed();
            await sleep(1_000);
          }
        }
        await sleep(250);
      }
    })();
    const killer = (async () => {
      await fault.killRepeatedly("Redis", 3, 1_500, Object.values(clocks));
      await fault.back("Redis");
      faultsOver = true;
    })();
    await Promise.all([chats.done, notices, killer]);
    // The decision sweeper's pass (every minute in the worker): notifications whose queueing the outage cut off.
    await h.t.core.notifier.requeueStuck(0);

    const sentNotices = () =>
      people.flatMap((person) =>
        h.fake.textsTo(person.id).flatMap((text) => [...text.matchAll(/Fault notice (\d+)\./g)].map((m) => m[1] ?? "")),
      );
    const settled = async () =>
      (await countNotifications(h.t.runtime.mongo, { _id: { $regex: "^fault-notice:" } }, [
        "sent",
        "uncertain",
        "unreachable",
      ])) === queued.size;
    await eventually(settled, 90_000);
    const records = await notificationStatuses(h.t.runtime.mongo, { _id: { $regex: "^fault-notice:" } });
    const uncertain = records.filter((record) => record.status === "uncertain").length;
    const noticeCounts = counts(sentNotices());
    const replies = counts(people.flatMap((person) => answeredWords(h.fake.textsTo(person.id))));
    const updates = {
      scenario: "Redis kill -9 ×3: chat updates",
      accepted: chats.accepted.size,
      lost: [...chats.accepted].filter((word) => !replies.has(word)).length,
      duplicated: [...replies.values()].filter((times) => times > 1).length,
      stuck: chats.sent() - chats.accepted.size,
      uncertain: 0,
      retried: clocks.updates.failures.length,
      recoveredIn: clocks.updates.recoveredIn,
    };
    const noticesRow = {
      scenario: "Redis kill -9 ×3: notifications",
      accepted: queued.size,
      // Recorded sent but never in the chat.
      lost: records.filter((record) => record.status === "sent" && !noticeCounts.has(record._id.split(":")[1] ?? ""))
        .length,
      duplicated: [...noticeCounts.values()].filter((times) => times > 1).length,
      stuck: records.filter((record) => record.status === "queued" || record.status === "sending").length,
      uncertain,
      retried: clocks.notices.failures.length,
      recoveredIn: clocks.notices.recoveredIn,
    };
    report(updates);
    report(noticesRow);
    expect([updates.lost, updates.duplicated, updates.stuck]).toEqual([0, 0, 0]);
    expect([noticesRow.lost, noticesRow.duplicated, noticesRow.stuck]).toEqual([0, 0, 0]);
    expect(records).toHaveLength(queued.size);
  });
});
