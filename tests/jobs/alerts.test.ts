import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChannelSenders } from "../../bots/channels/senders.ts";
import type { JobDoc } from "../../core/catalog/catalog-models.ts";
import { seedDemoCatalog } from "../../core/demo/seed-catalog.ts";
import { truckDriverJob } from "../helpers/job-fixture.ts";
import { userModels } from "../../core/users/user-model.ts";
import { ALERT_DIGEST_QUEUE, JOB_ALERTS_QUEUE } from "../../jobs/alerts/job-alerts.ts";
import { attachWorkers } from "../../jobs/runtime/create-runtime.ts";
import { buttonsOf } from "../fakes/fake-telegram-api.ts";
import { keyboardOf } from "../fakes/fake-viber-api.ts";
import { tgButton, tgText, type TgUser } from "../fakes/telegram-updates.ts";
import { vbConversationStarted, vbText, type VbUser } from "../fakes/viber-events.ts";
import { telegramScreen, viberScreen } from "../helpers/screens.ts";
import { viberHarness, type ViberHarness } from "../helpers/viber-harness.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { yangonDay } from "../../core/values/yangon-time.ts";

let h: ViberHarness;
const ANN: TgUser = { id: 9_600_001, first_name: "Ann", language_code: "en" };
const KO: TgUser = { id: 9_600_002, first_name: "Ko", language_code: "en" };
const HLA: VbUser = { id: "alertsHla01==", name: "Hla", language: "my" };
const tgLast = (user: TgUser) =>
  h.telegram.calls
    .filter(
      (call) => String(call.payload.chat_id) === String(user.id) && /^(sendMessage|editMessageText)$/.test(call.method),
    )
    .at(-1);
const tgPress = async (user: TgUser, label: string) => {
  const data = buttonsOf(tgLast(user)).find((button) => button.text === label)?.data;
  if (data === undefined) throw new Error(`no button ${label}`);
  await h.postTelegram(tgButton(user, data));
};
const vbPress = async (user: VbUser, label: string) => {
  const body = keyboardOf(h.viber.lastTo(user.id)?.payload).find((button) => button.text === label)?.body;
  if (body === undefined) throw new Error(`no button ${label}`);
  await h.post(vbText(user, body));
};
let n = 0;
function newJob(): JobDoc {
  n++;
  return truckDriverJob({
    _id: `JAQRT${"23456789"[n % 8]}${"ABCDEFGH"[Math.floor(n / 8) % 8]}`.slice(0, 7),
    title: { en: `Truck Driver ${n}`, my: `ကုန်ကားမောင်းသူ ${n}` },
  });
}
const alertsTo = (texts: string[]) =>
  texts.filter((value) => value.startsWith("🔔 New job for you") || value.startsWith("🔔 သင့်အတွက် အလုပ်သစ်"));

beforeAll(async () => {
  h = await viberHarness({ ALERTS_PER_DAY: "2", QUIET_HOURS: "off", NOTIFY_TELEGRAM_CHAT_INTERVAL_MS: "0" });
  attachWorkers(h.t.runtime, h.t.core, createChannelSenders(h.t.runtime.config, h.t.runtime.redis));
  await seedDemoCatalog(h.t.runtime.mongo);
  await h.t.bot.services.catalog.refresh();
  for (const user of [ANN, KO]) {
    await h.postTelegram(tgText(user, "/start"));
    await h.postTelegram(tgButton(user, "m:lang.en"));
  }
  await h.post(vbConversationStarted(HLA));
  await h.post(vbText(HLA, "m:lang.my"));
});
afterAll(() => h.close());

describe("job alerts", () => {
  it("subscribe through the menu or from search results, see them, remove one in one tap", async () => {
    await h.postTelegram(tgText(ANN, "/alerts"));
    expect(String(tgLast(ANN)?.payload.text)).toBe("You have no job alerts yet.");
    await tgPress(ANN, "➕ New alert");
    await tgPress(ANN, "Drivers & Logistics");
    await tgPress(ANN, "Yangon Region");
    expect(String(tgLast(ANN)?.payload.text)).toContain(
      "Done. You will get an alert for new jobs: Drivers & Logistics · Yangon Region.",
    );

    // Ko subscribes to Security, then removes it, then subscribes to Chin State.
    await h.postTelegram(tgText(KO, "/alerts"));
    await tgPress(KO, "➕ New alert");
    await tgPress(KO, "Security");
    await tgPress(KO, "Anywhere");
    await h.postTelegram(tgText(KO, "/alerts"));
    await tgPress(KO, "✖ Security");
    expect(h.telegram.textsTo(KO.id).at(-2)).toBe("Alert removed: Security.");
    expect(
      await h.t.bot.services.alerts.list(
        (await userModels(h.t.runtime.mongo).Identity.findById(`tg:${KO.id}`).lean())?.userId ?? "",
      ),
    ).toEqual([]);
    await h.postTelegram(tgText(KO, "/alerts"));
    await tgPress(KO, "➕ New alert");
    await tgPress(KO, "Any category");
    await tgPress(KO, "Chin State");

    // Hla (Viber, Burmese) subscribes from search results filtered by category.
    await vbPress(HLA, "🔎 အလုပ်ရှာရန်");
    await vbPress(HLA, "📂 အမျိုးအစား");
    await vbPress(HLA, "ယာဉ်မောင်းနှင့် ပို့ဆောင်ရေး");
    await vbPress(HLA, "🔔 ဒီလို အလုပ်သစ်များ သတိပေးပါ");
    expect(h.viber.textsTo(HLA.id)).toContain("ပြီးပါပြီ။ " + "ဒီအလုပ်သစ်များအတွက် " + "သတိပေးပါမယ်: " + "ယာဉ်မောင်းနှင့် ပို့ဆောင်ရေး။");
  });

  it("a published job reaches each matching subscriber once, on their channel, in their language", async () => {
    const job = newJob();
    await h.t.bot.services.catalog.publish(job);
    await waitFor(
      () => alertsTo(h.telegram.textsTo(ANN.id)).length === 1 && alertsTo(h.viber.textsTo(HLA.id)).length === 1,
      15_000,
      "alerts",
    );
    expect(alertsTo(h.telegram.textsTo(ANN.id))[0]).toBe(
      `🔔 New job for you: ${job.title.en}, Golden Lotus Hotel\n📍 Hlaing, Yangon ` + `Region · MMK 400,000 – 600,000`,
    );
    expect(alertsTo(h.viber.textsTo(HLA.id))[0]).toContain("လစာ ၄ – ၆ သိန်း");
    // One tap opens the job, on either app (the alert is the newest message, with its own button).
    const ann = telegramScreen(h, ANN);
    expect(ann.newestButtons()).toEqual(["👀 Open the job"]);
    await ann.press("👀 Open the job");
    expect(ann.lastText()).toContain(job.title.en);
    expect(ann.buttons()).toContain("⭐ Save");
    const hla = viberScreen(h, HLA);
    expect(hla.buttons()).toEqual(["👀 အလုပ်ကို ဖွင့်ကြည့်ရန်"]);
    await hla.press("👀 အလုပ်ကို ဖွင့်ကြည့်ရန်");
    expect(hla.lastText()).toContain(job.title.my);
    expect(hla.buttons()).toContain("⭐ သိမ်းရန်");
    expect(alertsTo(h.telegram.textsTo(KO.id))).toEqual([]);

    // The fan-out running again (a retry) tells nobody twice.
    await h.t.runtime.queues.get(JOB_ALERTS_QUEUE).add(
      "fan-out",
      {
        jobId: job._id,
        texts: { telegram: { en: "again", my: "again" }, viber: { en: "again", my: "again" } },
        digest: { title: { en: "", my: "" }, line: { en: "", my: "" } },
      },
      { jobId: `alerts-${job._id}-retry` },
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(h.telegram.textsTo(ANN.id).filter((value) => value === "again")).toEqual([]);
    expect(alertsTo(h.telegram.textsTo(ANN.id))).toHaveLength(1);

    // A link to the job opens it too.
    await h.postTelegram(tgText(ANN, `/start ${job._id}`));
    expect(h.telegram.textsTo(ANN.id).at(-1)).toContain(job.title.en);
  });

  it("caps alerts per person per day and folds the rest into the next morning's digest", async () => {
    const second = newJob();
    const third = newJob();
    await h.t.bot.services.catalog.publish(second);
    await h.t.bot.services.catalog.publish(third);
    await waitFor(() => alertsTo(h.telegram.textsTo(ANN.id)).length === 2, 15_000, "the second alert");
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(alertsTo(h.telegram.textsTo(ANN.id))).toHaveLength(2);

    const digest = await h.t.runtime.queues.get(ALERT_DIGEST_QUEUE).getJob(`digest-${yangonDay(new Date())}`);
    expect(await digest?.getState()).toBe("delayed");
    await digest?.promote();
    await waitFor(
      () => h.telegram.textsTo(ANN.id).some((value) => value.startsWith("🔔 1 more new jobs match your alerts:")),
      15_000,
      "the digest",
    );
    // The two fan-outs run at once: whichever reached the daily cap second is the one folded into the digest.
    const alerted = alertsTo(h.telegram.textsTo(ANN.id)).join("\n");
    const folded = [second, third].filter((candidate) => !alerted.includes(candidate.title.en));
    expect(folded).toHaveLength(1);
    expect(h.telegram.textsTo(ANN.id).find((value) => value.startsWith("🔔 1 more"))).toBe(
      `🔔 1 more new jobs match your alerts:\n• ${folded[0]?.title.en ?? ""}, Hlaing, Yangon Region`,
    );
  });
});
