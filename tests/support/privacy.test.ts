import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChannelSenders } from "../../bots/channels/senders.ts";
import { auditModel } from "../../core/admin/audit-log.ts";
import { catalogModels } from "../../core/catalog/catalog-models.ts";
import { seedDemoCatalog } from "../../core/demo/seed-catalog.ts";
import { notificationModel } from "../../core/notifications/notification-service.ts";
import { referralModels } from "../../core/referrals/referral-model.ts";
import { attachWorkers } from "../../jobs/runtime/create-runtime.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { userModels } from "../../core/users/user-model.ts";
import { ledgerModels } from "../../core/wallet/ledger.ts";
import type { TgUser } from "../fakes/telegram-updates.ts";
import type { VbUser } from "../fakes/viber-events.ts";
import { fileWithin } from "../helpers/multipart-file.ts";
import { telegramScreen, viberScreen, type Screen } from "../helpers/screens.ts";
import { viberHarness, type ViberHarness } from "../helpers/viber-harness.ts";

/**
 * Privacy rights as the person sees them: /privacy says what is kept and why; a copy of one's data comes as a file
 * (their own data only); deleting the account is refused with the amount while money is owed, then, once there is
 * none, erases the person and unlinks their chats while the money records stay under the pseudonymous id.
 */
let h: ViberHarness;
const ANN: TgUser = { id: 7_600_001, first_name: "Ann Privacy", language_code: "en" };
const BO: VbUser = { id: "privacyBo00000000000A==", name: "Bo Privacy", language: "my" };
let ann: Screen;
let bo: Screen;
const label = (language: "en" | "my", key: string) => h.t.bot.services.translator.t(language)(key);
const userIdOf = async (key: string) =>
  (await userModels(h.t.runtime.mongo).Identity.findById(key).lean())?.userId ?? "";

beforeAll(async () => {
  h = await viberHarness({ QUIET_HOURS: "off" });
  attachWorkers(h.t.runtime, h.t.core, createChannelSenders(h.t.runtime.config, h.t.runtime.redis));
  await seedDemoCatalog(h.t.runtime.mongo, new Date());
  await h.t.core.catalog.refresh();
  ann = telegramScreen(h, ANN);
  bo = viberScreen(h, BO);
  await ann.open();
  await ann.press(/^(✓ )?English/);
  await bo.type("hi");
});
afterAll(() => h.close());

describe("privacy rights", () => {
  it("/privacy explains what is kept; the copy is the person's own data, as a file; audited", async () => {
    await ann.type("/privacy");
    expect(ann.lastText()).toContain("What we keep");
    const annId = await userIdOf(`tg:${ANN.id}`);
    await h.t.core.wallet.credit(annId, "available", 20_000, `seed:${annId}`, { code: "adjustment", params: {} });
    await ann.press(label("en", "privacy:export_button"));
    const upload = h.telegram.calls.filter((call) => call.method === "sendDocument").at(-1);
    const file = fileWithin(upload?.payload.multipart as Buffer);
    expect(file.name).toBe("trm-my-data.json");
    const data = JSON.parse(file.bytes.toString("utf8")) as {
      profile: { id: string; name: string };
      wallet: Array<{ legs: Array<{ account: string }> }>;
    };
    expect(data.profile).toMatchObject({ id: annId, name: "Ann Privacy" });
    expect(data.wallet).toHaveLength(1);
    // Only the person's own side of each transaction: no platform account, no one else.
    expect(data.wallet.flatMap((entry) => entry.legs.map((leg) => leg.account))).toEqual([`user:${annId}:available`]);
    expect(await auditModel(h.t.runtime.mongo).countDocuments({ action: "privacy.export", target: annId })).toBe(1);
  });

  it("deleting is refused while money is owed, with the amount; without money it erases the person", async () => {
    const annId = await userIdOf(`tg:${ANN.id}`);
    await ann.type("/privacy");
    await ann.press(label("en", "privacy:delete_button"));
    expect(ann.lastText()).toContain("TRM still holds MMK 20,000 for you");
    expect(await userModels(h.t.runtime.mongo).User.findById(annId).lean()).toMatchObject({ status: "active" });

    // Bo (Viber, Burmese) has no money: confirms and is deleted.
    const boId = await userIdOf(`vb:${BO.id}`);
    await bo.type("/privacy");
    expect(bo.lastText()).toContain("TRM ရှိ သင့်ဒေတာ");
    await bo.press(label("my", "privacy:delete_button"));
    expect(bo.lastText()).toContain("သေချာပါသလား");
    await bo.press(label("my", "privacy:confirm_button"));
    expect(bo.lastText()).toBe(label("my", "privacy:deleted"));
    const { User, Identity } = userModels(h.t.runtime.mongo);
    expect(await User.findById(boId).lean()).toMatchObject({ status: "deleted", name: "erased", identityKeys: [] });
    expect(await Identity.findById(`vb:${BO.id}`).lean()).toBeNull();
    expect(await auditModel(h.t.runtime.mongo).countDocuments({ action: "privacy.delete", target: boId })).toBe(1);
    // Writing again starts a new account.
    await bo.type("hi");
    expect(await userIdOf(`vb:${BO.id}`)).not.toBe(boId);
    // Money records stay (the earlier credit of Ann, under her id).
    expect(await ledgerModels(h.t.runtime.mongo).Entry.countDocuments({ owner: `user:${annId}` })).toBe(1);
  });

  it("a candidate who applied by a link removes their details from the referral; the referrer is told", async () => {
    const CY: TgUser = { id: 7_600_009, first_name: "Cy Candidate", language_code: "en" };
    const cy = telegramScreen(h, CY);
    await cy.open();
    await cy.press(/^(✓ )?English/);
    const cyId = await userIdOf(`tg:${CY.id}`);
    const annId = await userIdOf(`tg:${ANN.id}`);
    const job = await catalogModels(h.t.runtime.mongo).Job.findOne({ status: "open" }).lean();
    const referral = await h.t.core.referrals.submit({
      jobId: job?._id ?? "",
      referrerId: annId,
      submittedBy: cyId,
      source: "link",
      candidate: { name: "Cy Candidate", phone: "+959790012345" },
      candidateUserId: cyId,
      relationship: null,
      cvMediaId: null,
    });
    await h.t.core.referrals.move(referral._id, "screening", { userId: "URECRUIT", as: "recruiter" });
    await waitFor(() => cy.buttons().includes(label("en", "privacy:optout_button")), 15_000);
    await cy.press(label("en", "privacy:optout_button"));
    expect(cy.lastText()).toContain(`Remove your name and phone from referral ${referral._id}?`);
    await cy.press(label("en", "privacy:optout_confirm_button"));
    expect(cy.lastText()).toBe(`Done: your details are removed from referral ${referral._id}.`);
    const stored = await referralModels(h.t.runtime.mongo).Referral.findById(referral._id).lean();
    expect(stored?.candidate).toEqual({ name: "erased", phone: "erased" });
    expect(await notificationModel(h.t.runtime.mongo).findById(`referral:${referral._id}:optout`).lean()).toMatchObject(
      {
        userId: annId,
      },
    );
    // Only the candidate themself can: anyone else (a crafted button) is told there is no such referral of theirs.
    await expect(h.t.core.privacy.candidateOptOut(referral._id, annId, "tg")).rejects.toMatchObject({
      code: "not_found",
    });
  });
});
