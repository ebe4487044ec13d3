import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChannelSenders } from "../../bots/channels/senders.ts";
import { auditModel } from "../../core/admin/audit-log.ts";
import { kycModels } from "../../core/kyc/kyc-models.ts";
import { mediaModel } from "../../core/files/media-vault.ts";
import { userModels } from "../../core/users/user-model.ts";
import { attachWorkers } from "../../jobs/runtime/create-runtime.ts";
import { tgButton, tgDocument, tgText, type TgUser } from "../fakes/telegram-updates.ts";
import { vbConversationStarted, vbPicture, vbText, type VbUser } from "../fakes/viber-events.ts";
import { chatDriver } from "../helpers/chat-driver.ts";
import { samplePng } from "../../webhooks/sandbox-page/sample-images.ts";
import { viberHarness, type ViberHarness } from "../helpers/viber-harness.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { findInClearAtRest } from "../helpers/at-rest-scan.ts";

let h: ViberHarness;
let d: ReturnType<typeof chatDriver>;
const REVIEWER: TgUser = { id: 9_700_001, first_name: "Reviewer", language_code: "en" };
const TUN: TgUser = { id: 9_700_002, first_name: "Tun", language_code: "en" };
const MYA: VbUser = { id: "kycMya00001==", name: "Mya", language: "my" };
const VB_REVIEWER: VbUser = { id: "kycReviewer1==", name: "Daw Review", language: "my" };
const AUNG: TgUser = { id: 9_700_003, first_name: "Aung", language_code: "en" };
const HLA: VbUser = { id: "kycHla00001==", name: "Hla", language: "my" };
let photo = 0;

const idOf = async (key: string) => (await userModels(h.t.runtime.mongo).Identity.findById(key).lean())?.userId ?? "";
const allStored = async (userKey: string) => {
  const userId = await idOf(userKey);
  const media = await mediaModel(h.t.runtime.mongo).find({ ownerId: userId, purpose: "kyc", status: "stored" }).lean();
  return media.length >= 3;
};
async function tgSendPhoto(user: TgUser): Promise<void> {
  const fileId = `KYCPHOTO${++photo}`;
  const bytes = samplePng(800, 500 + photo);
  h.telegram.addFile(fileId, bytes);
  await h.postTelegram(tgDocument(user, { fileId, name: "card.png", mime: "image/png", size: bytes.length }));
}

beforeAll(async () => {
  h = await viberHarness({
    QUIET_HOURS: "off",
    ADMIN_TELEGRAM_IDS: String(REVIEWER.id),
    ADMIN_VIBER_IDS: VB_REVIEWER.id,
  });
  d = chatDriver(h);
  attachWorkers(h.t.runtime, h.t.core, createChannelSenders(h.t.runtime.config, h.t.runtime.redis));
  for (const user of [REVIEWER, TUN, AUNG]) {
    await h.postTelegram(tgText(user, "/start"));
    await h.postTelegram(tgButton(user, "m:lang.en"));
  }
  for (const user of [MYA, VB_REVIEWER, HLA]) {
    await h.post(vbConversationStarted(user));
    await h.post(vbText(user, "m:lang.my"));
  }
});
afterAll(() => h.close());

describe("KYC on Telegram, in English", () => {
  it(
    "explains, asks the NRC (saying which part is wrong), name, birth " +
      "date and three photos, shows a review with changes, and submits",
    async () => {
      await d.tgPress(TUN, "🪪 Verify identity");
      expect(d.tgText(TUN)).toContain("🔒 Privacy: your photos are encrypted.");
      expect(d.tgText(TUN)).toContain("deleted 90 days after the review");
      await d.tgPress(TUN, "▶️ Start");
      await h.postTelegram(tgText(TUN, "13/PAMANA(N)123456"));
      expect(d.tgText(TUN)).toBe(
        "That township code does not exist in that state or region. Check both parts. Example: 12/OUKAMA(N)123456.",
      );
      await h.postTelegram(tgText(TUN, "12/OUKAMA(N)12345"));
      expect(d.tgText(TUN)).toBe("The last part must be exactly 6 digits. Example: 12/OUKAMA(N)123456.");
      await h.postTelegram(tgText(TUN, "12 / OuKaMa (N) 123456"));
      expect(h.telegram.textsTo(TUN.id).at(-2)).toBe("NRC: ၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆ (12/OUKAMA(N)123456)");
      // The NRC typed again at the name step is pointed out, not taken as a name.
      await h.postTelegram(tgText(TUN, "12/OUKAMA(N)123456"));
      expect(d.tgText(TUN)).toBe(
        "That looks like a number, not a name. Please type your name as it is written on your NRC card.",
      );
      await h.postTelegram(tgText(TUN, "Tun Tun"));
      await h.postTelegram(tgText(TUN, "31-02-1990"));
      expect(d.tgText(TUN)).toBe("Please type a real date, day-month-year, for example 31-12-1990.");
      await h.postTelegram(tgText(TUN, "01-01-2020"));
      expect(d.tgText(TUN)).toMatch(/^By that date you would be younger than 10/);
      await h.postTelegram(tgText(TUN, "၁၅-၀၆-၁၉၉၂"));
      expect(d.tgText(TUN)).toContain("FRONT of your NRC card");
      await h.postTelegram(
        tgDocument(TUN, {
          fileId: "WORDFILE",
          name: "card.docx",
          mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          size: 2000,
        }),
      );
      expect(d.tgText(TUN)).toBe("Please send a JPEG or PNG photo, or a PDF scan.");
      await tgSendPhoto(TUN);
      expect(h.telegram.textsTo(TUN.id).at(-2)).toBe("Front of the card: received ✅ We are checking it.");
      await tgSendPhoto(TUN);
      await tgSendPhoto(TUN);
      const review = d.tgText(TUN);
      expect(review).toContain(
        "NRC: ၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆ (12/OUKAMA(N)123456)\nName: " + "Tun Tun\nDate of birth: 15 Jun 1992",
      );
      // Change the name from the review screen: back to the review afterwards.
      await d.tgPress(TUN, "✏️ Name");
      await h.postTelegram(tgText(TUN, "Tun Tun Aung"));
      expect(d.tgText(TUN)).toContain("Name: Tun Tun Aung");
      await waitFor(() => allStored(`tg:${TUN.id}`), 15_000, "the photos to be stored");
      await d.tgPress(TUN, "📨 Submit for review");
      expect(h.telegram.textsTo(TUN.id).some((value) => value.startsWith("Submitted ✅"))).toBe(true);
      await d.tgPress(TUN, "🪪 Verify identity");
      expect(d.tgText(TUN)).toMatch(/^Your documents are waiting for review/);

      // Outside the database nothing holds the name, birth date, NRC or a photo in clear: not the
      // conversation, not the queued notices to reviewers, not the file store.
      const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const { redis, config } = h.t.runtime;
      const needles = ["Tun Tun", "1992-06-15", "၁၉၉၂", "OUKAMA", "ဥကမ", "(N)123456", "၁၂၃၄၅၆", PNG_SIGNATURE];
      const scan = await findInClearAtRest(redis, config.redis.prefix, config.storageDir, needles);
      expect(scan.files).toBeGreaterThanOrEqual(3);
      expect(scan.redisKeys).toBeGreaterThan(10);
      expect(scan.found).toEqual([]);
    },
  );
});

describe("an NRC whose Latin code fits two townships", () => {
  it("is not guessed: Telegram, in English, asks which code is on the card, then goes on", async () => {
    await d.tgPress(AUNG, "🪪 Verify identity");
    await d.tgPress(AUNG, "▶️ Start");
    await h.postTelegram(tgText(AUNG, "13/MASATA(N)123456"));
    expect(d.tgText(AUNG)).toBe(
      "13/MASATA(N)123456 fits more than one township code in state 13. Which one is on your card?",
    );
    await d.tgPress(AUNG, "မဆတ");
    expect(h.telegram.textsTo(AUNG.id).at(-2)).toBe("NRC: ၁၃/မဆတ(နိုင်)၁၂၃၄၅၆ (13/MASATA(N)123456)");
    expect(d.tgText(AUNG)).toBe("Your full name, exactly as on the card:");
  });

  it("Viber, in Burmese, shows the codes as the keyboard; the other code is just as good", async () => {
    await d.vbPress(HLA, "🪪 ကိုယ်ရေး အတည်ပြုရန်");
    await d.vbPress(HLA, "▶️ စတင်ရန်");
    await h.post(vbText(HLA, "13 MASATA C 123456"));
    expect(d.vbText(HLA)).toContain("ပြည်နယ် သို့မဟုတ် တိုင်းဒေသကြီး ၁၃ ရှိ");
    expect(d.vbText(HLA)).toContain("ဘယ်ကုဒ် ပါသလဲ");
    await d.vbPress(HLA, "မစတ");
    expect(h.viber.textsTo(HLA.id).at(-2)).toBe("မှတ်ပုံတင်: ၁၃/မစတ(နိုင်)၁၂၃၄၅၆ (13/MASATA(N)123456)");
  });
});

describe("KYC on Viber, in Burmese", () => {
  it("an expired media link gets a request to send again; the review shows it and the person replaces it", async () => {
    await d.vbPress(MYA, "🪪 ကိုယ်ရေး အတည်ပြုရန်");
    await d.vbPress(MYA, "▶️ စတင်ရန်");
    await h.post(vbText(MYA, "၉/မထလ(ႏိုင္)၁၂၃၄၅၆"));
    expect(h.viber.textsTo(MYA.id).at(-2)).toBe("မှတ်ပုံတင်: ၉/မထလ(နိုင်)၁၂၃၄၅၆ (9/MAHTALA(N)123456)");
    await h.post(vbText(MYA, "မြမြ"));
    await h.post(vbText(MYA, "၁-၁-၁၉၉၅"));
    await h.post(vbPicture(MYA, undefined, h.viber.mediaUrl("mya-front-expired", "expired")));
    await h.post(vbPicture(MYA, undefined, h.viber.mediaUrl("mya-back", samplePng(700, 500))));
    await h.post(vbPicture(MYA, undefined, h.viber.mediaUrl("mya-selfie", samplePng(600, 800))));
    await waitFor(
      () => h.viber.textsTo(MYA.id).some((value) => value.startsWith("ကတ်ရှေ့ဘက် ကို သုံးလို့မရပါ")),
      15_000,
      "the request to send again",
    );
    await d.vbPress(MYA, "📨 စစ်ဆေးရန် ပို့မယ်");
    expect(h.viber.textsTo(MYA.id).at(-2)).toBe("ကတ်ရှေ့ဘက် ကို သုံးလို့မရပါ။ ထပ်ပို့ပါ။");
    expect(d.vbText(MYA)).toContain("ကတ်ရှေ့ဘက်: သုံးမရ၊ ထပ်ပို့ပါ ❗");
    await d.vbPress(MYA, "✏️ ရှေ့ဘက်");
    await h.post(vbPicture(MYA, undefined, h.viber.mediaUrl("mya-front", samplePng(800, 520))));
    await waitFor(() => allStored(`vb:${MYA.id}`), 15_000, "the photos to be stored");
    await d.vbPress(MYA, "📨 စစ်ဆေးရန် ပို့မယ်");
    expect(h.viber.textsTo(MYA.id).some((value) => value.startsWith("ပို့ပြီးပါပြီ ✅"))).toBe(true);
  });
});

describe("review", () => {
  it(
    "reviewers on Telegram and on Viber see the queue oldest first, open a submission (audited) and " +
      "receive its photos, approve one and reject the other; each person hears the outcome in their language",
    async () => {
      await h.postTelegram(tgText(REVIEWER, "/kyc"));
      expect(d.tgText(REVIEWER)).toMatch(/^Waiting for review, oldest first \(2\):/);
      const [first, second] = await kycModels(h.t.runtime.mongo)
        .Submission.find({ status: "submitted" })
        .sort({ submittedAt: 1 })
        .lean();
      expect(d.tgButtons(REVIEWER)[0]).toMatch(new RegExp(`^${first?._id ?? "-"} · `));

      await d.tgPress(REVIEWER, new RegExp(`^${first?._id ?? "-"} · `));
      const texts = h.telegram.textsTo(REVIEWER.id);
      expect(texts.at(-2)).toContain("NRC: ၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆ (12/OUKAMA(N)123456)\nName: Tun Tun Aung");
      // The three photos are uploaded to the reviewer's chat, decrypted, with their captions.
      const photos = h.telegram.sent("sendPhoto", REVIEWER.id);
      expect(photos.map((call) => call.payload.caption)).toEqual([
        "Front of the card",
        "Back of the card",
        "Selfie with the card",
      ]);
      const stored = await h.t.bot.services.media.vault.read(first?.documents.front ?? "");
      expect((photos[0]?.payload.multipart as Buffer).includes(stored.bytes)).toBe(true);
      expect(
        h.telegram.calls.filter(
          (call) => call.method === "sendPhoto" && String(call.payload.chat_id) !== String(REVIEWER.id),
        ),
      ).toEqual([]);
      await d.tgPress(REVIEWER, "✅ Approve");
      expect(
        h.telegram.textsTo(REVIEWER.id).some((value) => value === `${first?._id ?? ""} approved. The person is told.`),
      ).toBe(true);
      await waitFor(() =>
        h.telegram.textsTo(TUN.id).includes("✅ Your identity is verified. You can now request payouts."),
      );

      // The second one is reviewed on Viber, in Burmese: the photos come as picture messages from short-lived links.
      await h.post(vbText(VB_REVIEWER, "/kyc"));
      await d.vbPress(VB_REVIEWER, new RegExp(`^${second?._id ?? "-"} · `));
      const pictures = h.viber.calls.filter(
        (call) =>
          call.method === "send_message" && call.payload.receiver === VB_REVIEWER.id && call.payload.type === "picture",
      );
      expect(pictures.map((call) => call.payload.text)).toEqual(["ကတ်ရှေ့ဘက်", "ကတ်နောက်ဘက်", "ကတ်နှင့် ဆယ်လ်ဖီ"]);
      const link = new URL(String(pictures[1]?.payload.media));
      expect(link.origin).toBe("https://bot.example.test");
      const back = await h.t.app.inject({ method: "GET", url: link.pathname });
      expect(back.statusCode).toBe(200);
      expect(back.headers["content-type"]).toBe("image/png");
      expect(
        back.rawPayload.equals((await h.t.bot.services.media.vault.read(second?.documents.back ?? "")).bytes),
      ).toBe(true);
      await d.vbPress(VB_REVIEWER, "✖️ ပယ်ရန်");
      // Another reason, typed by the reviewer: the person reads that note, in the notice and in /verify later.
      await d.vbPress(VB_REVIEWER, "အခြားအကြောင်းရင်း");
      await h.post(vbText(VB_REVIEWER, "ကတ်ပေါ်က အမည်နဲ့ မတူပါ"));
      expect(h.viber.textsTo(VB_REVIEWER.id).some((value) => value.startsWith(`${second?._id ?? "-"} ပယ်ပြီး။`))).toBe(
        true,
      );
      await waitFor(() =>
        h.viber
          .textsTo(MYA.id)
          .some((value) => value.startsWith("သင့်ကိုယ်ရေး အတည်ပြုချက်ကို " + "လက်မခံပါ: " + "ကတ်ပေါ်က အမည်နဲ့ မတူပါ။")),
      );

      const actions = (
        await auditModel(h.t.runtime.mongo)
          .find({ target: { $in: [first?._id ?? "", second?._id ?? ""] } })
          .lean()
      )
        .map((entry) => entry.action)
        .sort();
      expect(actions).toEqual(["kyc.approve", "kyc.reject", "kyc.view", "kyc.view"]);

      await h.postTelegram(tgText(TUN, "/verify"));
      expect(h.telegram.textsTo(TUN.id).at(-2)).toBe("Your identity is verified ✅\nNRC: ၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆");
      await h.post(vbText(MYA, "/verify"));
      expect(h.viber.textsTo(MYA.id).join("\n")).toContain("နောက်ဆုံး အတည်ပြုချက်ကို လက်မခံပါ: ကတ်ပေါ်က အမည်နဲ့ မတူပါ။");
    },
  );

  it("a person without the reviewer role gets the answer for an unknown command", async () => {
    await h.postTelegram(tgText(TUN, "/kyc"));
    expect(d.tgText(TUN)).toBe("Sorry, I didn't understand that. Please choose from the menu, or tap Help.");
  });
});
