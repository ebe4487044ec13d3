import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChannelSenders } from "../../bots/channels/senders.ts";
import { mediaModel } from "../../core/files/media-vault.ts";
import { userModels } from "../../core/users/user-model.ts";
import { KYC_RETENTION_QUEUE } from "../../jobs/kyc/kyc-retention.ts";
import { attachWorkers } from "../../jobs/runtime/create-runtime.ts";
import { sandboxClient, type Item, type Persona } from "../helpers/sandbox-client.ts";
import { buildTestApp, testConfig, type TestApp } from "../helpers/test-runtime.ts";
import { waitFor } from "../helpers/wait-for.ts";

let t: TestApp;
const { say, press, outbox } = sandboxClient(() => t);
const OWNER: Persona = { channel: "tg", id: "900000001", name: "Owner", language: "en" };
const REVIEWER: Persona = { channel: "vb", id: "sbReviewer01", name: "Daw Review", language: "my" };
const KO: Persona = { channel: "tg", id: "900000201", name: "Ko Ko", language: "en" };
const MA: Persona = { channel: "vb", id: "sbMaMa0001", name: "Ma Ma", language: "my" };

/** What the sandbox page's sample buttons send. */
async function sample(persona: Persona, name: string): Promise<Item[]> {
  const png = await t.app.inject({ method: "GET", url: `/sandbox/samples/${name}.png` });
  expect(png.headers["content-type"]).toBe("image/png");
  return say(persona, {
    kind: "photo",
    name: `${name}.png`,
    mime: "image/png",
    dataBase64: png.rawPayload.toString("base64"),
  });
}

async function completeKyc(
  persona: Persona,
  texts: { start: string; submit: string },
  nrc: string,
  name: string,
  dob: string,
): Promise<void> {
  await say(persona, { kind: "start" });
  await say(persona, { kind: "button", data: `m:lang.${persona.language}` });
  const intro = await say(persona, { kind: "text", text: "/verify" });
  await press(persona, intro, texts.start);
  await say(persona, { kind: "text", text: nrc });
  await say(persona, { kind: "text", text: name });
  await say(persona, { kind: "text", text: dob });
  await sample(persona, "nrc-front");
  await sample(persona, "nrc-back");
  const review = await sample(persona, "selfie");
  const userId = (await userModels(t.runtime.mongo).Identity.findById(`${persona.channel}:${persona.id}`).lean())
    ?.userId;
  await waitFor(
    async () => (await mediaModel(t.runtime.mongo).countDocuments({ ownerId: userId, status: "stored" })) === 3,
  );
  await press(persona, review, texts.submit);
}

beforeAll(async () => {
  t = await buildTestApp({ config: testConfig({ SANDBOX: "true", ADMIN_TELEGRAM_IDS: OWNER.id, QUIET_HOURS: "off" }) });
  attachWorkers(t.runtime, t.core, createChannelSenders(t.runtime.config, t.runtime.redis));
});
afterAll(() => t.close());

describe("KYC in the sandbox", () => {
  it(
    "people complete KYC with the sample photos in English and " +
      "Burmese; a reviewer persona approves one and rejects the other",
    async () => {
      await completeKyc(
        KO,
        { start: "▶️ Start", submit: "📨 Submit for review" },
        "12/KAMAYA(N)123321",
        "Ko Ko",
        "1-2-1993",
      );
      const labels = { start: "▶️ စတင်ရန်", submit: "📨 စစ်ဆေးရန် ပို့မယ်" };
      await completeKyc(MA, labels, "၁၂/ဗဟန(နိုင်)၄၅၆၆၅၄", "မမ", "၂၀-၁၀-၁၉၉၈");

      // The owner makes a reviewer persona, who reviews in Burmese on Viber.
      await say(OWNER, { kind: "start" });
      await say(OWNER, { kind: "button", data: "m:lang.en" });
      await say(REVIEWER, { kind: "start" });
      await say(REVIEWER, { kind: "button", data: "m:lang.my" });
      const reviewerId =
        (await userModels(t.runtime.mongo).Identity.findById(`vb:${REVIEWER.id}`).lean())?.userId ?? "";
      await say(OWNER, { kind: "text", text: `/grant ${reviewerId} reviewer` });

      const queue = await say(REVIEWER, { kind: "text", text: "/kyc" });
      expect(queue[0]?.text).toMatch(/^စစ်ဆေးရန် စောင့်နေသည်များ၊ အဟောင်းဆုံးမှ စ၍ \(၂\):/);
      const first = await press(REVIEWER, queue, /^K\w{9} · /);
      expect(first[0]?.text).toContain("Ko Ko");
      const photos = first.filter((item) => item.photo !== undefined);
      expect(photos.map((item) => item.text)).toEqual(["ကတ်ရှေ့ဘက်", "ကတ်နောက်ဘက်", "ကတ်နှင့် ဆယ်လ်ဖီ"]);
      const shown = await t.app.inject({ method: "GET", url: photos[0]?.photo ?? "" });
      expect(shown.statusCode).toBe(200);
      expect(
        shown.rawPayload.equals(
          (await t.app.inject({ method: "GET", url: "/sandbox/samples/nrc-front.png" })).rawPayload,
        ),
      ).toBe(true);
      const next = await press(REVIEWER, first, "✅ အတည်ပြုရန်");
      const second = await press(REVIEWER, next, /^K\w{9} · /);
      expect(second[0]?.text).toContain("မမ");
      const reasons = await press(REVIEWER, second, "✖️ ပယ်ရန်");
      await press(REVIEWER, reasons, "အချက်အလက်များ ကတ်နှင့် မကိုက်ညီ");

      await waitFor(async () =>
        (await outbox(KO)).some((item) => item.text === "✅ Your identity is verified. You can now request payouts."),
      );
      await waitFor(async () =>
        (await outbox(MA)).some((item) =>
          item.text.startsWith("သင့်ကိုယ်ရေး အတည်ပြုချက်ကို " + "လက်မခံပါ: အချက်အလက်များ ကတ်နှင့် မကိုက်ညီ။"),
        ),
      );
    },
  );

  it("retention runs from a job scheduler in the workers", async () => {
    const queue = t.runtime.queues.get(KYC_RETENTION_QUEUE);
    await waitFor(async () =>
      (await queue.getJobSchedulers()).some(
        (scheduler) => scheduler.key === "kyc-retention" && Number(scheduler.every) === 6 * 3_600_000,
      ),
    );
    await waitFor(async () => (await queue.getCompletedCount()) > 0);
  });
});
