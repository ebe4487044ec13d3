import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChannelSenders } from "../../bots/channels/senders.ts";
import { auditModel } from "../../core/admin/audit-log.ts";
import { seedDemoCatalog } from "../../core/demo/seed-catalog.ts";
import { mediaModel } from "../../core/files/media-vault.ts";
import { referralModels } from "../../core/referrals/referral-model.ts";
import { userModels } from "../../core/users/user-model.ts";
import { attachWorkers } from "../../jobs/runtime/create-runtime.ts";
import { tgButton, tgContact, tgDocument, tgText, type TgUser } from "../fakes/telegram-updates.ts";
import { vbConversationStarted, vbText, type VbUser } from "../fakes/viber-events.ts";
import { chatDriver } from "../helpers/chat-driver.ts";
import { viberHarness, type ViberHarness } from "../helpers/viber-harness.ts";
import { waitFor } from "../helpers/wait-for.ts";

let h: ViberHarness;
let d: ReturnType<typeof chatDriver>;
const OWNER: TgUser = { id: 9_600_001, first_name: "Recruiter", language_code: "en" };
const GRAND: TgUser = { id: 9_600_002, first_name: "Grand", language_code: "my" };
const INV: VbUser = { id: "refInviter001==", name: "Inviter", language: "my" };
const ANN: TgUser = { id: 9_600_003, first_name: "Ann", language_code: "en" };
const CAND: VbUser = { id: "refCandidate01==", name: "Cand", language: "en" };
const OTHER: TgUser = { id: 9_600_004, first_name: "Other", language_code: "en" };
const PDF = Buffer.from("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");

const idOf = async (key: string) => (await userModels(h.t.runtime.mongo).Identity.findById(key).lean())?.userId ?? "";
const tgTexts = (user: TgUser) => h.telegram.textsTo(user.id);
const vbTexts = (user: VbUser) => h.viber.textsTo(user.id);
let jobId = "";
let annId = "";
let reference = "";

async function tgStart(user: TgUser, language: "en" | "my", payload = ""): Promise<void> {
  await h.postTelegram(tgText(user, payload === "" ? "/start" : `/start ${payload}`));
  await h.postTelegram(tgButton(user, `m:lang.${language}`));
}

beforeAll(async () => {
  h = await viberHarness({ QUIET_HOURS: "off", ADMIN_TELEGRAM_IDS: String(OWNER.id) });
  d = chatDriver(h);
  attachWorkers(h.t.runtime, h.t.core, createChannelSenders(h.t.runtime.config, h.t.runtime.redis));
  await seedDemoCatalog(h.t.runtime.mongo, new Date());
  await h.t.bot.services.catalog.refresh();
  // GRAND (Telegram, Burmese) invites INV (Viber, Burmese), who invites ANN (Telegram, English).
  await tgStart(OWNER, "en");
  await tgStart(GRAND, "my");
  const grandId = await idOf(`tg:${GRAND.id}`);
  await h.post(vbConversationStarted(INV, grandId));
  await h.post(vbText(INV, "m:lang.my"));
  const invId = await idOf(`vb:${INV.id}`);
  await tgStart(ANN, "en", invId);
  annId = await idOf(`tg:${ANN.id}`);
  const { User } = userModels(h.t.runtime.mongo);
  expect((await User.findById(invId).lean())?.invitedBy).toBe(grandId);
  expect((await User.findById(annId).lean())?.invitedBy).toBe(invId);
});
afterAll(() => h.close());

describe("referring on Telegram, in English, with a CV", () => {
  it(
    "job card → name → phone in Burmese digits → PDF CV → relationship " +
      "→ consent → summary → reference number; the CV is stored encrypted",
    async () => {
      await d.tgPress(ANN, "🔎 Find jobs");
      await h.postTelegram(tgText(ANN, "driver"));
      await d.tgPress(ANN, /^1\. /);
      expect(d.tgButtons(ANN)[0]).toMatch(/^🤝 Refer a candidate \(bonus MMK [\d,]+\)$/);
      await d.tgPress(ANN, /^🤝 Refer a candidate/);
      expect(tgTexts(ANN).at(-2)).toMatch(/^Refer someone for: /);
      expect(d.tgText(ANN)).toBe("What is the candidate's full name?");
      await h.postTelegram(tgText(ANN, "K"));
      expect(d.tgText(ANN)).toBe("Please type a full name (2 to 80 letters).");
      await h.postTelegram(tgText(ANN, "Ko Zaw Min"));
      await h.postTelegram(tgText(ANN, "12345"));
      expect(d.tgText(ANN)).toBe("That is not a Myanmar mobile number. Please type it like 09 7xx xxx xxx.");
      await h.postTelegram(tgText(ANN, "၀၉ ၄၂၀ ၁၂၃ ၄၅၆"));
      expect(tgTexts(ANN).at(-2)).toBe("Phone: +959420123456");
      expect(d.tgText(ANN)).toContain("Send a CV as a photo, PDF or Word file");
      h.telegram.addFile("CVFILE1", PDF);
      await h.postTelegram(
        tgDocument(ANN, { fileId: "CVTOOBIG", name: "cv.pdf", mime: "application/pdf", size: 11 * 1024 * 1024 }),
      );
      expect(tgTexts(ANN).at(-1)).toBe("That file is larger than 10 MB. Please send a smaller one, or tap Skip.");
      await h.postTelegram(
        tgDocument(ANN, { fileId: "CVFILE1", name: "zaw-cv.pdf", mime: "application/pdf", size: PDF.length }),
      );
      expect(tgTexts(ANN).at(-2)).toBe("CV received. We are checking the file and will keep it encrypted.");
      expect(d.tgText(ANN)).toBe("How do you know Ko Zaw Min?");
      await d.tgPress(ANN, "Colleague");
      expect(d.tgText(ANN)).toContain("Did Ko Zaw Min agree");
      await d.tgPress(ANN, "✅ Yes");
      const summary = d.tgText(ANN);
      expect(summary).toContain(
        "Candidate: Ko Zaw Min\nPhone: +959420123456\nRelationship: Colleague\nCV: CV attached\nBonus if hired: MMK",
      );
      await d.tgPress(ANN, "✅ Confirm");
      const done = tgTexts(ANN).find((value) => value.startsWith("Thank you! Your referral number is")) ?? "";
      reference = /is (R[2-9A-HJKMNP-Z]{7})\./.exec(done)?.[1] ?? "";
      expect(reference).not.toBe("");
      const referral = await referralModels(h.t.runtime.mongo).Referral.findById(reference).lean();
      expect(referral).toMatchObject({
        referrerId: annId,
        source: "submitted",
        candidate: { name: "Ko Zaw Min", phone: "+959420123456" },
        relationship: "colleague",
        status: "submitted",
      });
      jobId = referral?.jobId ?? "";

      await waitFor(
        async () => (await mediaModel(h.t.runtime.mongo).findById(referral?.cvMediaId).lean())?.status === "stored",
      );
      const media = await mediaModel(h.t.runtime.mongo).findById(referral?.cvMediaId).lean();
      expect(media).toMatchObject({ mime: "application/pdf", ext: "pdf", size: PDF.length, source: null });
      const sealed = await readFile(path.join(h.t.runtime.config.storageDir, "media", media?._id ?? ""));
      expect(sealed.includes(Buffer.from("%PDF"))).toBe(false);
      expect(sealed.length).toBeGreaterThan(PDF.length);
    },
  );

  it(
    "refuses a second referral of the same candidate right after the phone, keeps the form through a consent " +
      "No, and says in the summary that a file whose bytes are not a CV was not taken",
    async () => {
      await tgStart(OTHER, "en");
      await h.postTelegram(tgButton(OTHER, `m:refer:${jobId}`));
      await h.postTelegram(tgText(OTHER, "Ko Zaw Min"));
      await h.postTelegram(tgText(OTHER, "09420123456"));
      // Told at once, before a CV, a relationship and consent are asked for; another number can be typed.
      expect(d.tgText(OTHER)).toBe(
        "This person has already been referred to this job, so we can't take them again. Type another " +
          "candidate's phone number, or tap Cancel.",
      );
      await h.postTelegram(tgText(OTHER, "09420123999"));
      h.telegram.addFile("NOTACV", Buffer.from("MZ\x90\x00 this is an executable, not a CV"));
      await h.postTelegram(tgDocument(OTHER, { fileId: "NOTACV", name: "cv.pdf", mime: "application/pdf", size: 40 }));
      await waitFor(() => tgTexts(OTHER).some((value) => value.startsWith("The file you sent as a CV could not be")));
      await d.tgPress(OTHER, "Friend");
      await d.tgPress(OTHER, "❌ No");
      expect(d.tgText(OTHER)).toContain("Nothing you typed is lost");
      await d.tgPress(OTHER, "✅ Yes");
      expect(d.tgText(OTHER)).toContain("no CV (the file sent could not be used)");
      expect(d.tgText(OTHER)).toContain("+959420123999");
      await d.tgPress(OTHER, "✖️ Cancel");
      expect(await referralModels(h.t.runtime.mongo).Referral.countDocuments({ jobId })).toBe(1);
    },
  );
});

describe("a recruiter moves the referral to hired", () => {
  it(
    "opens it (audited), reads the CV through a short-lived link, moves it step by step; the " +
      "referrer hears each change and the inviters their commissions, in their languages and channels",
    async () => {
      await h.postTelegram(tgText(OWNER, `/referrals ${reference}`));
      const card = d.tgText(OWNER);
      expect(card).toContain(`Referral ${reference}`);
      expect(card).toContain("Candidate: Ko Zaw Min, +959420123456");
      expect(card).toContain("CV: ready");
      expect(d.tgButtons(OWNER)).toEqual(expect.arrayContaining(["🔎 Screening", "✖️ Reject", "📎 Open CV"]));
      await d.tgPress(OWNER, "📎 Open CV");
      // The CV is uploaded to the recruiter's chat, decrypted.
      const upload = h.telegram.sent("sendDocument", OWNER.id).at(-1);
      expect(upload?.payload.caption).toBe(
        `CV for ${reference} (only for you; on Viber the link works for 15 minutes)`,
      );
      expect((upload?.payload.multipart as Buffer).includes(PDF)).toBe(true);
      expect(d.tgText(OWNER)).toContain(`Referral ${reference}`);
      // The short-lived link (what Viber gets) serves the same bytes.
      const token = await h.t.bot.services.media.links.issue(
        (await referralModels(h.t.runtime.mongo).Referral.findById(reference).lean())?.cvMediaId ?? "",
        "cv",
      );
      const download = await h.t.app.inject({ method: "GET", url: new URL(token).pathname });
      expect(download.statusCode).toBe(200);
      expect(download.headers["content-type"]).toBe("application/pdf");
      expect(download.headers["cache-control"]).toBe("no-store");
      expect(download.rawPayload.equals(PDF)).toBe(true);
      expect((await h.t.app.inject({ method: "GET", url: "/media/AAAAAAAAAAAAAAAAAAAAAA" })).json()).toEqual({
        error: { code: "link_expired", message: "This link has expired or does not exist" },
      });
      const audited = await auditModel(h.t.runtime.mongo).find({ target: reference }).lean();
      expect(audited.map((entry) => entry.action)).toEqual(
        expect.arrayContaining(["referral.view", "referral.cv_view"]),
      );

      for (const [button, status] of [
        ["🔎 Screening", "Screening"],
        ["🗣 Interview", "Interview"],
        ["📄 Offer", "Offered"],
      ] as const) {
        await d.tgPress(OWNER, button);
        expect(tgTexts(OWNER).at(-2)).toBe(`${reference} is now: ${status}.`);
        await waitFor(
          () =>
            tgTexts(ANN).some(
              (value) =>
                value.startsWith(`Your referral ${reference} (Ko Zaw Min,`) && value.endsWith(`is now: ${status}.`),
            ),
          15_000,
          `the ${status} notice`,
        );
      }
      await d.tgPress(OWNER, "🎉 Hired");
      expect(tgTexts(OWNER).at(-2)).toMatch(
        new RegExp(
          String.raw`^Rewards credited as pending:\nReferrer U\w+: MMK [\d,]+\n` +
            String.raw`Inviter U\w+ \(level 1\): MMK [\d,]+\nInviter U\w+ \(level 2\): MMK [\d,]+$`,
        ),
      );
      await waitFor(
        () => tgTexts(ANN).some((value) => value.startsWith("🎉 Ko Zaw Min was hired")),
        15_000,
        "the hired notice",
      );
      await waitFor(
        () => vbTexts(INV).some((value) => value.startsWith("🎁 သင့်ကွန်ရက်ထဲမှ") && value.includes("(အဆင့် ၁)")),
        15_000,
        "the Burmese commission on Viber",
      );
      await waitFor(
        () => tgTexts(GRAND).some((value) => value.startsWith("🎁 သင့်ကွန်ရက်ထဲမှ") && value.includes("(အဆင့် ၂)")),
        15_000,
        "the Burmese commission on Telegram",
      );

      await h.postTelegram(tgText(ANN, "/wallet"));
      expect(tgTexts(ANN).at(-2)).toMatch(
        new RegExp(
          String.raw`^💰 Your wallet\n\nAvailable: MMK 0\nPending: MMK [1-9][\d,]*\nHeld for payout: MMK 0\n` +
            String.raw`Earned in total: MMK [1-9][\d,]*\n\nLatest:\n` +
            String.raw`.* · \+MMK [\d,]+ bonus for referral R\w{7}, pending until the employer pays`,
        ),
      );
      await h.post(vbText(INV, "/wallet"));
      // Viber: one message, the wallet with its Withdraw button and the menu on the one keyboard.
      expect(vbTexts(INV).at(-1)).toMatch(/^💰 သင့်ပိုက်ဆံအိတ်\n\nထုတ်ယူနိုင်: ၀ ကျပ်\nစောင့်ဆိုင်းဆဲ: [၁-၉][၀-၉,]* ကျပ်/);
      await h.post(vbText(INV, "m:network"));
      expect(d.vbText(INV)).toContain("အဆင့် ၁: ၁ ဦး");

      await h.postTelegram(tgText(ANN, "/myreferrals"));
      expect(d.tgText(ANN)).toMatch(new RegExp(`${reference} · Ko Zaw Min\\n.*\\nStatus: Hired · MMK [\\d,]+ pending`));
    },
  );

  it("finance releases the pending rewards once; people are told and the wallet shows them available", async () => {
    await h.postTelegram(tgText(OWNER, `/release ${reference}`));
    expect(d.tgText(OWNER)).toMatch(new RegExp(`^Released MMK [\\d,]+ to 3 people for ${reference}\\.`));
    await h.postTelegram(tgText(OWNER, `/release ${reference}`));
    expect(d.tgText(OWNER)).toMatch(new RegExp(`^${reference} has nothing pending`));
    await waitFor(() => tgTexts(ANN).some((value) => value.startsWith("💰 MMK") && value.includes("is now available")));
    await h.postTelegram(tgText(ANN, "/wallet"));
    expect(tgTexts(ANN).at(-2)).toMatch(/Available: MMK [1-9][\d,]*\nPending: MMK 0\n/);
  });
});

describe("a candidate applies through a shared link on Viber", () => {
  it(
    "opens the job from Ann's link, applies with a shared " +
      "phone number, and hears about changes; Ann is the referrer",
    async () => {
      const payload = `${jobId}_${annId}`;
      await h.post(vbConversationStarted(CAND, payload));
      await h.post(vbText(CAND, "m:lang.en"));
      await h.post(vbText(CAND, "/start " + payload));
      expect(d.vbButtons(CAND)).toEqual(expect.arrayContaining(["✍️ Apply for this job"]));
      await d.vbPress(CAND, "✍️ Apply for this job");
      expect(d.vbText(CAND)).toBe("What is your full name?");
      await h.post(vbText(CAND, "Ma Hnin Wai"));
      expect(d.vbButtons(CAND)).toContain("📱 Share my number");
      await h.post(vbText(CAND, "+95 9 777 888 999"));
      await d.vbPress(CAND, "⏭ Skip");
      await d.vbPress(CAND, "✅ Yes");
      expect(d.vbText(CAND)).toContain("Name: Ma Hnin Wai\nPhone: +959777888999\nCV: no CV");
      await d.vbPress(CAND, "📨 Send application");
      const sent = vbTexts(CAND).find((value) => value.startsWith("Your application is sent.")) ?? "";
      const ref = /Reference: (R\w{7})\./.exec(sent)?.[1] ?? "";
      const referral = await referralModels(h.t.runtime.mongo).Referral.findById(ref).lean();
      expect(referral).toMatchObject({
        referrerId: annId,
        source: "link",
        candidateUserId: await idOf(`vb:${CAND.id}`),
        candidate: { phone: "+959777888999" },
      });
      // Ann, who shared the link, is told; the application is the applicant's: they see it and may withdraw it,
      // Ann may not.
      await waitFor(() =>
        tgTexts(ANN).some((value) => value.startsWith(`🎉 Ma Hnin Wai applied for`) && value.includes(ref)),
      );
      await h.post(vbText(CAND, "/myreferrals"));
      expect(d.vbText(CAND)).toContain(`✍️ Your applications:\n\n${ref} · `);
      expect(d.vbButtons(CAND)).toContain(`↩️ Withdraw my application ${ref}`);
      await h.postTelegram(tgText(ANN, "/myreferrals"));
      expect(h.telegram.textsTo(ANN.id).join("\n")).toContain(`${ref} · Ma Hnin Wai (applied via your link)`);
      expect(d.tgButtons(ANN)).not.toContain(`↩️ Withdraw ${ref}`);
      await h.postTelegram(tgButton(ANN, `m:withdraw:${ref}`));
      expect(d.tgText(ANN)).toContain(ref);
      expect(await referralModels(h.t.runtime.mongo).Referral.findById(ref).lean()).toMatchObject({
        status: "submitted",
      });

      await h.postTelegram(tgText(OWNER, `/referrals ${ref}`));
      expect(d.tgText(OWNER)).toContain("Relationship: applied through a shared link");
      await d.tgPress(OWNER, "✖️ Reject");
      await d.tgPress(OWNER, "Position already filled");
      await waitFor(() =>
        vbTexts(CAND).some((value) => value.includes(`(${ref}) was not selected this time: Position already filled.`)),
      );
      await waitFor(() =>
        tgTexts(ANN).some(
          (value) =>
            value.includes(`${ref} (Ma Hnin Wai,`) && value.includes("was not selected: Position already filled."),
        ),
      );
    },
  );

  it("a Telegram applicant may share their own contact for the phone step", async () => {
    const applicant: TgUser = { id: 9_600_010, first_name: "Applicant", language_code: "en" };
    await tgStart(applicant, "en", `${jobId}_${annId}`);
    await h.postTelegram(tgText(applicant, `/start ${jobId}_${annId}`));
    await d.tgPress(applicant, "✍️ Apply for this job");
    await h.postTelegram(tgText(applicant, "Ko Aung"));
    await h.postTelegram(tgContact(applicant, "959451234567"));
    expect(tgTexts(applicant).at(-2)).toBe("Phone: +959451234567");
    expect(
      (
        await userModels(h.t.runtime.mongo)
          .User.findById(await idOf(`tg:${applicant.id}`))
          .lean()
      )?.phone,
    ).toBe("+959451234567");
  });
});
