import type { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChannelSenders } from "../../bots/channels/senders.ts";
import { broadcastModel } from "../../core/broadcasts/broadcast-service.ts";
import { decideOnce } from "../../core/decisions/decision-store.ts";
import { runBroadcast } from "../../jobs/broadcasts/broadcast-runner.ts";
import { tgText } from "../fakes/telegram-updates.ts";
import { seedUsers } from "../helpers/seed-users.ts";
import { telegramHarness, type TelegramHarness } from "../helpers/telegram-harness.ts";
import { testLogger } from "../helpers/test-runtime.ts";

const OWNER = { id: 8_740_001, first_name: "Owner", language_code: "en" };
let h: TelegramHarness;

beforeAll(async () => {
  h = await telegramHarness({ ADMIN_TELEGRAM_IDS: String(OWNER.id), QUIET_HOURS: "off" });
  await h.post(tgText(OWNER, "/start"));
  await seedUsers(h.t.runtime.mongo, { count: 6, idPrefix: "BE", tgBase: 8_741_000 });
});
afterAll(() => h.close());

describe("a broadcast's end", () => {
  it("decided, then the runner died: the next run marks it done and sends the summary, once", async () => {
    const owner = await h.t.bot.services.users.findUser(
      (await h.t.bot.services.users.findIdentity(`tg:${OWNER.id}`))?.userId ?? "",
    );
    if (owner === null) throw new Error("owner missing");
    const broadcast = await h.t.bot.services.broadcasts.start({
      admin: owner,
      channel: "tg",
      text: { en: "End test", my: "End test" },
      imageUrl: null,
      segment: { kind: "all" },
      templates: {
        progress: { en: "progress {{sent}}", my: "progress" },
        summary: { en: "summary {{sent}}/{{total}}", my: "summary" },
        cancelled: { en: "cancelled", my: "cancelled" },
      },
    });
    const ctx = {
      logger: testLogger(),
      token: undefined,
      rateLimit: async () => undefined,
      deps: {
        core: h.t.core,
        config: h.t.runtime.config,
        redis: h.t.runtime.redis,
        senders: createChannelSenders(h.t.runtime.config, h.t.runtime.redis),
      },
    };
    const job = { id: "end-test", data: { id: broadcast._id } } as unknown as Job<{ id: string }>;
    // The first run decides the end and dies before marking it (as a killed worker would).
    await decideOnce(h.t.runtime.mongo, `bc:${broadcast._id}:done`);
    await runBroadcast(job, ctx);
    expect((await broadcastModel(h.t.runtime.mongo).findById(broadcast._id).lean())?.status).toBe("done");
    // Before, the run that found the end decided did nothing: the broadcast stayed "running", the owner never heard.
    const summaries = await h.t.core.notifier.find(`bc:${broadcast._id}:summary:end`);
    expect(summaries?.text.en).toMatch(/^summary \d+\/\d+$/);
    await runBroadcast(job, ctx);
    expect((await broadcastModel(h.t.runtime.mongo).findById(broadcast._id).lean())?.status).toBe("done");
  });
});
