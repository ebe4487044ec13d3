import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import getPort from "get-port";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { broadcastModel } from "../../core/broadcasts/broadcast-service.ts";
import { startRedis, type RunningRedis } from "../../infra/local/redis-service.ts";
import { FakeTelegramApi } from "../fakes/fake-telegram-api.ts";
import { worstWindow } from "../helpers/rate-windows.ts";
import { FakeViberApi } from "../fakes/fake-viber-api.ts";
import { tgText } from "../fakes/telegram-updates.ts";
import { seedUsers } from "../helpers/seed-users.ts";
import { channelEnv, VB_TOKEN } from "../helpers/channel-env.ts";
import { TG_SECRET, TG_TOKEN } from "../helpers/telegram-harness.ts";
import { buildTestApp, testConfig, type TestApp } from "../helpers/test-runtime.ts";
import { WorkerProcesses, workerEnv } from "../helpers/worker-process.ts";
import { waitFor } from "../helpers/wait-for.ts";

const USERS = 5_000;
const TG_RATE = 150;
const VB_RATE = 5;
const OWNER = { id: 8_500_001, first_name: "Owner", language_code: "en" };
const TEXT = { en: "Big news for everyone", my: "အားလုံးအတွက် သတင်းကောင်း" };

const dataDir = mkdtempSync(path.join(os.tmpdir(), "trm-bc-redis-"));
let redis: RunningRedis;
let telegram: FakeTelegramApi;
let viber: FakeViberApi;
let t: TestApp;
let env: Record<string, string>;
const workers = new WorkerProcesses(() => env);

beforeAll(async () => {
  redis = await startRedis({ dataDir, port: await getPort({ host: "127.0.0.1" }), durable: true });
  telegram = await new FakeTelegramApi(TG_TOKEN).start();
  viber = await new FakeViberApi(VB_TOKEN).start();
  const vars = {
    REDIS_URL: redis.url,
    ...channelEnv(telegram.url, viber.url),
    ADMIN_TELEGRAM_IDS: String(OWNER.id),
    QUIET_HOURS: "off",
    NOTIFY_TELEGRAM_PER_SECOND: String(TG_RATE),
    NOTIFY_VIBER_PER_SECOND: String(VB_RATE),
  };
  t = await buildTestApp({ config: testConfig(vars) });
  env = workerEnv(t, vars);
  await t.app.inject({
    method: "POST",
    url: "/webhooks/telegram",
    headers: { "x-telegram-bot-api-secret-token": TG_SECRET },
    payload: tgText(OWNER, "/start"),
  });
  await seedUsers(t.runtime.mongo, { count: USERS, idPrefix: "R", tgBase: 8_600_000, blockedEvery: 25 });
}, 120_000);

afterAll(async () => {
  workers.killAll();
  await t?.close();
  await telegram?.stop();
  await viber?.stop();
  await redis?.service.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("broadcast to 5,000 people across both channels", () => {
  it(
    "keeps to the rate, skips blocked people, honours 429s, and " +
      "survives a killed worker and a Redis restart without duplicates",
    async () => {
      telegram.failNext(
        "sendMessage",
        { error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } },
        2,
      );
      const owner = await t.bot.services.users.findByQuery(
        (await t.bot.services.users.findIdentity(`tg:${OWNER.id}`))?.userId ?? "",
      );
      if (owner === null) throw new Error("owner missing");
      const templates = {
        progress: { en: "progress {{sent}}", my: "progress {{sent}}" },
        summary: { en: "summary {{sent}}/{{failed}}/{{uncertain}}/{{skipped}}/{{total}}", my: "summary" },
        cancelled: { en: "cancelled", my: "cancelled" },
      };
      const broadcast = await t.bot.services.broadcasts.start({
        admin: owner,
        channel: "tg",
        text: TEXT,
        imageUrl: null,
        segment: { kind: "all" },
        templates,
      });

      // Run a worker process until about half the Telegram messages are out, then go quiet and kill it mid-send.
      const first = workers.start();
      const isBroadcast = (text: unknown) => text === TEXT.en || text === TEXT.my;
      await waitFor(
        () =>
          telegram.calls.filter((call) => call.method === "sendMessage" && isBroadcast(call.payload.text)).length >=
          1_000,
        60_000,
        "1,000 Telegram sends",
      );
      telegram.hold();
      await waitFor(() => telegram.heldCount >= 1, 5_000, "a request in flight");
      await new Promise((resolve) => setTimeout(resolve, 200));
      first.kill("SIGKILL");
      await once(first, "exit");
      telegram.release();

      // Redis restarts too (its append-only file keeps the queue and the broadcast's progress).
      await redis.service.stop();
      redis = await startRedis({ dataDir, port: redis.port, durable: true });

      const second = workers.start();
      await waitFor(
        async () => (await broadcastModel(t.runtime.mongo).findById(broadcast._id).lean())?.status === "done",
        90_000,
        "the broadcast to finish",
      );
      await waitFor(() => telegram.textsTo(OWNER.id).some((text) => text.startsWith("summary")), 20_000, "the summary");
      second.kill("SIGTERM");
      await once(second, "exit");

      const doc = await broadcastModel(t.runtime.mongo).findById(broadcast._id).lean();
      const seeded = await t.runtime.mongo
        .collection("identities")
        .find({ _id: { $regex: /^(tg:86|vb:vbseedR)/ } as never })
        .toArray();
      expect(seeded).toHaveLength(USERS);
      const delivered = new Map<string, number>();
      for (const call of telegram.calls) {
        if (call.method === "sendMessage" && call.status === 200 && isBroadcast(call.payload.text))
          delivered.set(
            `tg:${String(call.payload.chat_id)}`,
            (delivered.get(`tg:${String(call.payload.chat_id)}`) ?? 0) + 1,
          );
      }
      for (const call of viber.calls) {
        if (call.method === "broadcast_message" && call.status === 200)
          for (const receiver of call.payload.broadcast_list as string[])
            delivered.set(`vb:${receiver}`, (delivered.get(`vb:${receiver}`) ?? 0) + 1);
      }
      const problems: string[] = [];
      for (const identity of seeded) {
        const got = delivered.get(String(identity._id)) ?? 0;
        const want = identity.reachable === true ? 1 : 0;
        if (got !== want) problems.push(`${String(identity._id)}: ${got} (wanted ${want})`);
      }
      expect(problems.slice(0, 10)).toEqual([]);
      expect(doc?.recipients).toBe(USERS - USERS / 25 + 1);
      expect(doc?.skipped).toBe(USERS / 25);

      // No one-second window above the configured rates (Telegram messages; Viber calls).
      expect(
        worstWindow(
          telegram.calls
            .filter((call) => call.method === "sendMessage" && isBroadcast(call.payload.text))
            .map((call) => call.at),
        ),
      ).toBeLessThanOrEqual(TG_RATE);
      expect(
        worstWindow(viber.calls.filter((call) => call.method === "broadcast_message").map((call) => call.at)),
      ).toBeLessThanOrEqual(VB_RATE);
      // The 429s were honoured: each refused message was retried at least retry_after later, and meanwhile
      // only requests already on the wire when the 429 came back (at most the 16 parallel sends) went out.
      const refused = telegram.calls.filter((call) => call.status === 429);
      expect(refused).toHaveLength(2);
      for (const refusal of refused) {
        const retry = telegram.calls.find(
          (call) => call.status === 200 && call.payload.chat_id === refusal.payload.chat_id && call.at > refusal.at,
        );
        expect((retry?.at ?? 0) - refusal.at).toBeGreaterThanOrEqual(950);
        const during = telegram.calls.filter(
          (call) => call.method === "sendMessage" && call.at > refusal.at + 50 && call.at < refusal.at + 950,
        );
        expect(during.length).toBeLessThanOrEqual(16);
      }
    },
    240_000,
  );
});
