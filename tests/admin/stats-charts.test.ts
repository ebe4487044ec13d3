import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callbackModel, type GatewayCallbackDoc } from "../../core/payments/callback-intake.ts";
import type { Gateway } from "../../core/payments/invoice-service.ts";
import { payoutModels, type PayoutDoc } from "../../core/payouts/payout-models.ts";
import { referralModels, type ReferralDoc } from "../../core/referrals/referral-model.ts";
import { rewardModel, type RewardDoc } from "../../core/referrals/reward-service.ts";
import type { ReferralStatus } from "../../core/referrals/pipeline.ts";
import type { TgUser } from "../fakes/telegram-updates.ts";
import type { VbUser } from "../fakes/viber-events.ts";
import { inspectPng, pngWithin } from "../helpers/png-check.ts";
import { telegramScreen, viberScreen, type Screen } from "../helpers/screens.ts";
import { viberHarness, type ViberHarness } from "../helpers/viber-harness.ts";

/**
 * `/stats` as the admin sees it: a picture and its caption, on both channels and in both languages, over data seeded
 * here. The PNG is decoded (size, not blank). WRITE_CHART_IMAGES=1 saves the pictures under docs/img/.
 */
const OWNER: TgUser = { id: 7_100_001, first_name: "Owner", language_code: "en" };
const ADMIN: VbUser = { id: "statsAdmin0000000000A==", name: "Admin", language: "my" };
let h: ViberHarness;
let owner: Screen;
let admin: Screen;
const DAY = 24 * 3600_000;

const sentPhotos = () => h.telegram.calls.filter((call) => call.method === "sendPhoto");
const lastPhoto = () => sentPhotos().at(-1);
const saveImage = (name: string, png: Buffer) => {
  if (process.env.WRITE_CHART_IMAGES === "1") writeFileSync(path.resolve("docs/img", name), png);
};

async function seedBusiness(now: Date): Promise<void> {
  const { Referral } = referralModels(h.t.runtime.mongo);
  // Six referrals this month: four reach screening, three interview, two an offer, one is hired.
  const paths: ReferralStatus[][] = [
    ["screening", "interview", "offered", "hired"],
    ["screening", "interview", "offered"],
    ["screening", "interview", "rejected"],
    ["screening"],
    [],
    ["withdrawn"],
  ];
  const at = new Date(now.getTime() - 60_000);
  await Referral.insertMany(
    [...paths, ["screening", "interview"] as ReferralStatus[]].map((moves, index): ReferralDoc => {
      const created = index === paths.length ? new Date(now.getTime() - 45 * DAY) : at;
      const history = moves.map((to, step) => ({
        from: step === 0 ? "submitted" : (moves[step - 1] as ReferralStatus),
        to,
        by: "UADMIN01",
        at,
        reason: null,
      }));
      const status = moves.at(-1) ?? "submitted";
      return {
        _id: `RSTAT00${index}`,
        jobId: "JSTAT01",
        referrerId: "USTAT001",
        source: "submitted",
        candidate: { name: `Candidate ${index}`, phone: `+9597900000${index}` },
        candidateUserId: null,
        relationship: "friend",
        consentAt: created,
        cvMediaId: null,
        bonus: 100_000,
        status,
        history,
        createdAt: created,
        updatedAt: at,
        hiredAt: status === "hired" ? at : null,
      };
    }),
  );
  await rewardModel(h.t.runtime.mongo).insertMany([
    {
      _id: "RSTAT000:0",
      referralId: "RSTAT000",
      jobId: "JSTAT01",
      beneficiaryId: "USTAT001",
      level: 0,
      amount: 100_000,
      status: "available",
      createdAt: at,
      releasedAt: at,
    } satisfies RewardDoc,
  ]);
  const { Payout } = payoutModels(h.t.runtime.mongo);
  const payout = { userId: "USTAT001", amount: 50_000, provider: "kbzpay" as const, walletPhone: "+959790000001" };
  const decided = { decidedAt: null, decidedBy: null, reason: null, providerTxnId: null };
  await Payout.insertMany([
    { _id: "PSTAT1", ...payout, ...decided, status: "paid", requestedAt: at, paidAt: at },
    { _id: "PSTAT2", ...payout, ...decided, status: "requested", requestedAt: at, paidAt: null },
  ] satisfies PayoutDoc[]);
  // Five payment attempts in the last 30 days: four paid, one failed (80 %); an old failure is outside the window.
  const callback = (id: string, gateway: Gateway, outcome: string, receivedAt = at): GatewayCallbackDoc => ({
    _id: id,
    gateway,
    raw: "{}",
    receivedAt,
    orderId: null,
    outcome,
  });
  await callbackModel(h.t.runtime.mongo).insertMany([
    callback("CB1", "kbzpay", "paid"),
    callback("CB2", "kbzpay", "paid"),
    callback("CB3", "kbzpay", "failed"),
    callback("CB4", "wavepay", "paid"),
    callback("CB5", "ayapay", "paid"),
    callback("CB6", "ayapay", "pending"),
    callback("CB7", "wavepay", "failed", new Date(now.getTime() - 40 * DAY)),
  ]);
}

beforeAll(async () => {
  h = await viberHarness({ ADMIN_TELEGRAM_IDS: String(OWNER.id), ADMIN_VIBER_IDS: ADMIN.id, QUIET_HOURS: "off" });
  owner = telegramScreen(h, OWNER);
  admin = viberScreen(h, ADMIN);
  await owner.open();
  await owner.press(/^(✓ )?English/);
  await admin.open();
  await admin.type("hi");
  // Three more people on Telegram and two on Viber came today.
  for (const id of [7_100_010, 7_100_011, 7_100_012]) await telegramScreen(h, { id, first_name: "P" }).open();
  for (const id of ["statsP1000000000000A==", "statsP2000000000000A=="])
    await viberScreen(h, { id, name: "V", language: "en" }).type("hi");
  await seedBusiness(new Date());
});
afterAll(() => h.close());

describe("/stats charts", () => {
  it("the owner on Telegram in English gets one picture of everything with the figures in its caption", async () => {
    const before = sentPhotos().length;
    await owner.type("/stats");
    expect(sentPhotos().length).toBe(before + 1);
    const call = lastPhoto();
    const png = pngWithin(call?.payload.multipart as Buffer);
    const picture = inspectPng(png);
    expect(picture.width).toBe(1280);
    expect(picture.height).toBe(56 + 3 * 380);
    expect(picture.distinctBytes).toBeGreaterThan(40);
    const caption = String(call?.payload.caption);
    // Seven people came today (owner, admin, three on Telegram, two on Viber), all new.
    expect(caption).toContain("Active today: 7 · new in 30 days: 7");
    expect(caption).toContain("Referrals this month: 6 · hired: 1");
    expect(caption).toContain("Payouts paid in 8 weeks: 1 · payment success (30 days): 80%");
    saveImage("stats-overview-en.png", png);
  });

  it("one chart each: /stats funnel, growth and money; a wrong word gets the usage", async () => {
    await owner.type("/stats funnel");
    expect(String(lastPhoto()?.payload.caption)).toMatch(/Referrals this month: 6 · hired: 1/);
    const funnel = inspectPng(pngWithin(lastPhoto()?.payload.multipart as Buffer));
    expect([funnel.width, funnel.height]).toEqual([640, 56 + 380]);
    saveImage("stats-funnel-en.png", pngWithin(lastPhoto()?.payload.multipart as Buffer));
    await owner.type("/stats growth");
    expect(String(lastPhoto()?.payload.caption)).toContain("Active today: 7 · new in 30 days: 7");
    saveImage("stats-growth-en.png", pngWithin(lastPhoto()?.payload.multipart as Buffer));
    await owner.type("/stats money");
    const money = String(lastPhoto()?.payload.caption);
    expect(money).toContain("Hires in 8 weeks: 1 · rewards released: MMK 100,000");
    expect(money).toContain("Payouts paid: 1 · payment success (30 days): 80%");
    const photos = sentPhotos().length;
    await owner.type("/stats yesterday");
    expect(sentPhotos().length).toBe(photos);
    expect(owner.lastText()).toContain("Charts: /stats (everything), /stats growth");
    await owner.type("/stats text");
    expect(owner.lastText()).toContain("Users: 7 · Telegram chats 4 · Viber chats 3");
  });

  it("an admin on Viber in Burmese gets the picture by a .png link, captioned in Burmese digits", async () => {
    await admin.type("/stats money");
    const body = h.viber.lastTo(ADMIN.id)?.payload ?? {};
    expect(body.type).toBe("picture");
    const media = String(body.media);
    expect(media).toMatch(/\/media\/[A-Za-z0-9_-]{22}\.png$/);
    expect(String(body.text)).toContain("အပတ် ၈ ပတ်အတွင်း ခန့်အပ်မှု: ၁ · ထုတ်ပေးပြီး ဆုငွေ: ၁၀၀,၀၀၀ ကျပ်");
    expect(String(body.text)).toContain("ငွေပေးချေမှု အောင်မြင်နှုန်း (ရက် ၃၀): ၈၀%");
    expect(String(body.text).length).toBeLessThanOrEqual(768);
    const download = await h.t.app.inject({ method: "GET", url: new URL(media).pathname });
    expect(download.statusCode).toBe(200);
    expect(download.headers["content-type"]).toBe("image/png");
    const png = download.rawPayload;
    const picture = inspectPng(png);
    expect([picture.width, picture.height]).toEqual([1280, 56 + 2 * 380]);
    expect(picture.distinctBytes).toBeGreaterThan(40);
    saveImage("stats-money-my.png", png);
    await admin.type("/stats");
    const overview = h.viber.lastTo(ADMIN.id)?.payload ?? {};
    expect(String(overview.text)).toContain("ယနေ့ အသုံးပြုသူ: ၇ · ရက် ၃၀ အတွင်း အသစ်: ၇");
    const url = new URL(String(overview.media)).pathname;
    saveImage("stats-overview-my.png", (await h.t.app.inject({ method: "GET", url })).rawPayload);
  });

  it("reads its figures from FerretDB aggregations: people per channel today, the funnel, gateways", async () => {
    const figures = await h.t.bot.services.reports.render("overview", "en", new Date());
    expect(figures.figures.growth.active.tg.at(-1)).toBe(4);
    expect(figures.figures.growth.active.vb.at(-1)).toBe(3);
    expect(figures.figures.funnel.reached).toEqual([6, 4, 3, 2, 1]);
    expect(figures.figures.money.gateways).toEqual([
      { gateway: "kbzpay", paid: 2, failed: 1 },
      { gateway: "wavepay", paid: 1, failed: 0 },
      { gateway: "ayapay", paid: 1, failed: 0 },
    ]);
  });
});
