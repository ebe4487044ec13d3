/**
 * A worker process killed with SIGKILL in the middle of a broadcast to 3,000 people on Telegram and Viber, and in the
 * middle of a job alert's fan-out to 1,500 subscribers, then a new one started: the work resumes where it stopped;
 * nobody is skipped, nobody hears it twice (a send in flight at the kill is recorded uncertain, never repeated).
 */
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { broadcastModel } from "../../core/broadcasts/broadcast-service.ts";
import { seedDemoCatalog } from "../../core/demo/seed-catalog.ts";
import { userModels } from "../../core/users/user-model.ts";
import { FakeTelegramApi } from "../fakes/fake-telegram-api.ts";
import { FakeViberApi } from "../fakes/fake-viber-api.ts";
import { tgText } from "../fakes/telegram-updates.ts";
import { channelEnv, VB_TOKEN } from "../helpers/channel-env.ts";
import { seedUsers } from "../helpers/seed-users.ts";
import { truckDriverJob } from "../helpers/job-fixture.ts";
import { subscribeToAlerts } from "../helpers/alert-subscribers.ts";
import { TG_SECRET, TG_TOKEN } from "../helpers/telegram-harness.ts";
import { buildTestApp, testConfig, type TestApp } from "../helpers/test-runtime.ts";
import { WorkerProcesses, workerEnv } from "../helpers/worker-process.ts";
import { countNotifications, notificationStatuses } from "../helpers/notification-statuses.ts";
import { eventually, report, sleep } from "./fault-kit.ts";

const USERS = 3_000;
const OWNER = { id: 8_700_001, first_name: "Owner", language_code: "en" };
const TEXT = { en: "Fault broadcast for everyone", my: "အားလုံးအတွက် စမ်းသပ်သတင်း" };

let telegram: FakeTelegramApi;
let viber: FakeViberApi;
let t: TestApp;
let env: Record<string, string>;
const workers = new WorkerProcesses(() => env);

beforeAll(async () => {
  telegram = await new FakeTelegramApi(TG_TOKEN).start();
  viber = await new FakeViberApi(VB_TOKEN).start();
  const vars = {
    ...channelEnv(telegram.url, viber.url),
    ADMIN_TELEGRAM_IDS: String(OWNER.id),
    QUIET_HOURS: "off",
    NOTIFY_TELEGRAM_PER_SECOND: "200",
    NOTIFY_VIBER_PER_SECOND: "10",
    NOTIFY_TELEGRAM_CHAT_INTERVAL_MS: "0",
  };
  t = await buildTestApp({ config: testConfig(vars) });
  env = workerEnv(t, vars);
  await t.app.inject({
    method: "POST",
    url: "/webhooks/telegram",
    headers: { "x-telegram-bot-api-secret-token": TG_SECRET },
    payload: tgText(OWNER, "/start"),
  });
  await seedUsers(t.runtime.mongo, { count: USERS, idPrefix: "K", tgBase: 8_710_000 });
  await seedDemoCatalog(t.runtime.mongo);
  await t.bot.services.catalog.refresh();
}, 120_000);

afterAll(async () => {
  workers.killAll();
  await t?.close();
  await telegram?.stop();
  await viber?.stop();
});

describe("a worker killed mid-broadcast", () => {
  it("resumes: nobody skipped, nobody twice", async () => {
    const owner = await t.bot.services.users.findByQuery(
      (await t.bot.services.users.findIdentity(`tg:${OWNER.id}`))?.userId ?? "",
    );
    if (owner === null) throw new Error("owner missing");
    const broadcast = await t.bot.services.broadcasts.start({
      admin: owner,
      channel: "tg",
      text: TEXT,
      imageUrl: null,
      segment: { kind: "all" },
      templates: {
        progress: { en: "progress {{sent}}", my: "progress {{sent}}" },
        summary: { en: "summary {{sent}}/{{failed}}/{{uncertain}}/{{skipped}}/{{total}}", my: "summary" },
        cancelled: { en: "cancelled", my: "cancelled" },
      },
    });
    const isBroadcast = (text: unknown) => text === TEXT.en || text === TEXT.my;
    const telegramSends = () =>
      telegram.calls.filter((call) => call.method === "sendMessage" && isBroadcast(call.payload.text)).length;
    const first = workers.start();
    await eventually(async () => telegramSends() >= 450, 60_000);
    const killedAt = Date.now();
    first.kill("SIGKILL");
    await once(first, "exit");
    const atKill = telegramSends();
    await sleep(1_000);
    const second = workers.start();
    const done = await eventually(
      async () => (await broadcastModel(t.runtime.mongo).findById(broadcast._id).lean())?.status === "done",
      120_000,
    );
    const resumedIn = (Date.now() - killedAt) / 1000;
    const summary = () => telegram.textsTo(OWNER.id).find((text) => text.startsWith("summary"));
    await eventually(async () => summary() !== undefined, 30_000);
    second.kill("SIGTERM");
    await once(second, "exit");

    const delivered = new Map<string, number>();
    for (const call of telegram.calls)
      if (call.method === "sendMessage" && call.status === 200 && isBroadcast(call.payload.text))
        delivered.set(
          `tg:${String(call.payload.chat_id)}`,
          (delivered.get(`tg:${String(call.payload.chat_id)}`) ?? 0) + 1,
        );
    for (const call of viber.calls)
      if (call.method === "broadcast_message" && call.status === 200)
        for (const receiver of call.payload.broadcast_list as string[])
          delivered.set(`vb:${receiver}`, (delivered.get(`vb:${receiver}`) ?? 0) + 1);
    const seeded = await t.runtime.mongo
      .collection("identities")
      .find({ _id: { $regex: /^(tg:871|vb:vbseedK)/ } as never })
      .toArray();
    // The admin's summary: sent/failed/uncertain/skipped/total.
    const uncertain = Number(/^summary \d+\/\d+\/(\d+)\//.exec(summary() ?? "")?.[1] ?? 0);
    const row = {
      scenario: `Worker kill -9 mid-broadcast (${USERS} people, killed after ${atKill} Telegram sends)`,
      accepted: seeded.length,
      lost: Math.max(0, seeded.filter((identity) => !delivered.has(String(identity._id))).length - uncertain),
      duplicated: [...delivered.values()].filter((times) => times > 1).length,
      stuck: done ? 0 : 1,
      uncertain,
      retried: 0,
      recoveredIn: Math.round(resumedIn * 10) / 10,
    };
    report(row);
    expect([row.lost, row.duplicated, row.stuck]).toEqual([0, 0, 0]);
  }, 240_000);

  it("a job alert's fan-out resumes: every subscriber alerted once", async () => {
    const SUBSCRIBERS = 1_500;
    const { User, Identity } = userModels(t.runtime.mongo);
    await seedUsers(t.runtime.mongo, { count: SUBSCRIBERS * 2, idPrefix: "A", tgBase: 8_720_000 });
    const subscribers = (await Identity.find({ _id: { $regex: "^tg:872" } }).lean()).slice(0, SUBSCRIBERS);
    await subscribeToAlerts(t, subscribers, { category: "driving", region: "yangon" });
    expect(await User.countDocuments({ _id: { $in: subscribers.map((identity) => identity.userId) } })).toBe(
      SUBSCRIBERS,
    );
    const now = new Date();
    const job = truckDriverJob({
      _id: "JFAVKT2",
      title: { en: "Fault Truck Driver", my: "ကုန်ကားမောင်းသူ" },
      expiresAt: new Date(now.getTime() + 30 * 86_400_000),
      createdBy: "faults",
    });
    const isAlert = (text: unknown) =>
      typeof text === "string" && (text.includes(job.title.en) || text.includes(job.title.my));
    const alertSends = () =>
      telegram.calls.filter((call) => call.method === "sendMessage" && isAlert(call.payload.text)).length;
    const first = workers.start();
    await t.bot.services.catalog.publish(job);
    await eventually(async () => alertSends() >= 300, 60_000);
    const killedAt = Date.now();
    first.kill("SIGKILL");
    await once(first, "exit");
    const atKill = alertSends();
    const second = workers.start();
    const alerts = { _id: { $regex: "^alert:JFAVKT2:" } };
    // The decision sweeper's pass (every minute in the worker; every 10 s here) re-queues records whose queueing the
    // kill cut off. Checked every 2 s: FerretDB scans the collection for each count.
    let lastSweep = 0;
    const settled = await eventually(
      async () => {
        if (Date.now() - lastSweep > 10_000) {
          lastSweep = Date.now();
          await t.core.notifier.requeueStuck(0);
        }
        // Settled: sent, or never to be sent again (uncertain; `sending`: claimed by the worker killed mid-send).
        const done = await countNotifications(t.runtime.mongo, alerts, ["sent", "uncertain", "sending"]);
        return done === SUBSCRIBERS;
      },
      150_000,
      2_000,
    );
    const finishedIn = (Date.now() - killedAt) / 1000;
    second.kill("SIGTERM");
    await once(second, "exit");
    const final = await notificationStatuses(t.runtime.mongo, alerts);
    const received = new Map<string, number>();
    for (const call of telegram.calls)
      if (call.method === "sendMessage" && call.status === 200 && isAlert(call.payload.text))
        received.set(String(call.payload.chat_id), (received.get(String(call.payload.chat_id)) ?? 0) + 1);
    const uncertain = final.filter((record) => record.status === "uncertain" || record.status === "sending").length;
    const row = {
      scenario: `Worker kill -9 mid alert fan-out (${SUBSCRIBERS} subscribers, killed after ${atKill} alerts)`,
      accepted: SUBSCRIBERS,
      lost: Math.max(0, subscribers.filter((identity) => !received.has(identity._id.slice(3))).length - uncertain),
      duplicated: [...received.values()].filter((times) => times > 1).length,
      stuck: settled ? 0 : final.filter((record) => record.status === "queued").length + SUBSCRIBERS - final.length,
      uncertain,
      retried: 0,
      recoveredIn: Math.round(finishedIn * 10) / 10,
    };
    report(row);
    expect([row.lost, row.duplicated, row.stuck]).toEqual([0, 0, 0]);
  }, 240_000);
});
