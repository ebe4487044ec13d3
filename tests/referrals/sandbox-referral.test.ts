import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChannelSenders } from "../../bots/channels/senders.ts";
import { seedDemoCatalog } from "../../core/demo/seed-catalog.ts";
import { readLeaderboard } from "../../core/referrals/leaderboard.ts";
import { LEADERBOARD_QUEUE } from "../../jobs/leaderboard/leaderboard-job.ts";
import { userModels } from "../../core/users/user-model.ts";
import { attachWorkers } from "../../jobs/runtime/create-runtime.ts";
import { sandboxClient, type Persona } from "../helpers/sandbox-client.ts";
import { buildTestApp, testConfig, type TestApp } from "../helpers/test-runtime.ts";
import { waitFor } from "../helpers/wait-for.ts";

let t: TestApp;
const { say, press, outbox } = sandboxClient(() => t);
const OWNER: Persona = { channel: "tg", id: "900000001", name: "Owner", language: "en" };
const GRAND: Persona = { channel: "vb", id: "sbGrand0001", name: "Daw Khin", language: "my" };
const INV: Persona = { channel: "tg", id: "900000102", name: "Ko Myo", language: "my" };
const ANN: Persona = { channel: "tg", id: "900000103", name: "Ann", language: "en" };

const publicIdOf = async (persona: Persona) =>
  (await userModels(t.runtime.mongo).Identity.findById(`${persona.channel}:${persona.id}`).lean())?.userId ?? "";

async function open(persona: Persona, payload?: string): Promise<void> {
  await say(persona, { kind: "start", ...(payload === undefined ? {} : { payload }) });
  await say(persona, { kind: "button", data: `m:lang.${persona.language}` });
}

beforeAll(async () => {
  t = await buildTestApp({ config: testConfig({ SANDBOX: "true", ADMIN_TELEGRAM_IDS: OWNER.id, QUIET_HOURS: "off" }) });
  attachWorkers(t.runtime, t.core, createChannelSenders(t.runtime.config, t.runtime.redis));
  await seedDemoCatalog(t.runtime.mongo, new Date());
  await t.bot.services.catalog.refresh();
});
afterAll(() => t.close());

describe("the referral story in the sandbox", () => {
  it(
    "a person refers a candidate to a seeded job with a CV, the owner persona moves it to " +
      "hired, and the referrer and both inviters see pending rewards, in English and Burmese",
    async () => {
      await open(OWNER);
      await open(GRAND);
      await open(INV, await publicIdOf(GRAND));
      await open(ANN, await publicIdOf(INV));

      const menu = await say(ANN, { kind: "text", text: "/menu" });
      await press(ANN, menu, "🔎 Find jobs");
      const results = await say(ANN, { kind: "text", text: "cashier" });
      const card = await press(ANN, results, /^1\. /);
      expect(card[0]?.text).toContain("Cashier");
      await press(ANN, card, /^🤝 Refer a candidate/);
      await say(ANN, { kind: "text", text: "Ma Thida" });
      await say(ANN, { kind: "text", text: "09 9777 12345" });
      const pdf = Buffer.from("%PDF-1.7\n% sandbox CV\n%%EOF\n");
      const relationship = await say(ANN, {
        kind: "file",
        name: "thida.pdf",
        mime: "application/pdf",
        dataBase64: pdf.toString("base64"),
      });
      const consent = await press(ANN, relationship, "Friend");
      const summary = await press(ANN, consent, "✅ Yes");
      expect(summary.at(-1)?.text).toContain("CV: CV attached");
      const done = await press(ANN, summary, "✅ Confirm");
      const ref = /referral number is (R\w{7})/.exec(done.map((item) => item.text).join("\n"))?.[1] ?? "";
      expect(ref).toMatch(/^R[2-9A-HJKMNP-Z]{7}$/);

      let view = await say(OWNER, { kind: "text", text: `/referrals ${ref}` });
      await waitFor(async () => {
        view = await say(OWNER, { kind: "text", text: `/referrals ${ref}` });
        return view.at(-1)?.text.includes("CV: ready") ?? false;
      });
      const steps = ["🔎 Screening", "🗣 Interview", "📄 Offer", "🎉 Hired"];
      for (const step of steps) view = await press(OWNER, view, step);
      expect(view.map((item) => item.text).join("\n")).toContain("Rewards credited as pending:");

      await waitFor(async () => (await outbox(ANN)).some((item) => item.text.startsWith("🎉 Ma Thida was hired")));
      await waitFor(async () => (await outbox(INV)).some((item) => item.text.startsWith("🎁 သင့်ကွန်ရက်ထဲမှ")));
      await waitFor(async () => (await outbox(GRAND)).some((item) => item.text.startsWith("🎁 သင့်ကွန်ရက်ထဲမှ")));

      const annWallet = await say(ANN, { kind: "text", text: "/wallet" });
      expect(annWallet[0]?.text).toMatch(/Pending: MMK [1-9][\d,]*\n/);
      const invWallet = await say(INV, { kind: "text", text: "/wallet" });
      expect(invWallet[0]?.text).toMatch(/စောင့်ဆိုင်းဆဲ: [၁-၉][၀-၉,]* ကျပ်\n/);
      expect(invWallet[0]?.text).toMatch(/ကွန်ရက် ကော်မရှင် \+[၀-၉,]+ ကျပ်၊ အဆင့် ၁ \(R\w{7}\)၊ စောင့်ဆိုင်းဆဲ/);
      const grandWallet = await say(GRAND, { kind: "text", text: "/wallet" });
      expect(grandWallet[0]?.text).toMatch(/စောင့်ဆိုင်းဆဲ: [၁-၉][၀-၉,]* ကျပ်\n/);
      expect(grandWallet[0]?.text).toContain("အဆင့် ၂");
    },
  );

  it(
    "the leaderboard is recomputed by an hourly job scheduler; a " +
      "person sees the board and their own rank, and may choose the name shown",
    async () => {
      const queue = t.runtime.queues.get(LEADERBOARD_QUEUE);
      await waitFor(async () =>
        (await queue.getJobSchedulers()).some(
          (scheduler) => scheduler.key === "leaderboard-hourly" && Number(scheduler.every) === 3_600_000,
        ),
      );
      await queue.add("now", {});
      await waitFor(async () => ((await readLeaderboard(t.runtime.mongo, new Date()))?.entries.length ?? 0) > 0);
      const board = await say(ANN, { kind: "text", text: "/leaderboard" });
      expect(board[0]?.text).toMatch(
        new RegExp(
          String.raw`^🏆 Top referrers this month \(updated hourly\):\n1\. A\*\*\* · 1 hired · MMK [\d,]+\n\n` +
            String.raw`You are number 1 of 1 with 1 hired\.\nYour name shows as: A\*\*\*$`,
        ),
      );
      const ask = await press(ANN, board, "✏️ Change how my name shows");
      expect(ask.at(-1)?.text).toContain("Type the name to show on the leaderboard");
      expect((await say(ANN, { kind: "text", text: "https://spam" })).at(-1)?.text).toBe(
        "Please type 2 to 32 letters, without links or @names.",
      );
      expect((await say(ANN, { kind: "text", text: "Ann the Recruiter" }))[0]?.text).toBe(
        "Done. The leaderboard will show you as Ann the Recruiter from its next update.",
      );
      const burmese = await say(INV, { kind: "text", text: "/leaderboard" });
      expect(burmese[0]?.text).toContain("ဒီလ စာရင်းထဲ မပါသေးပါ");
    },
  );
});
