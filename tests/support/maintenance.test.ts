import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChannelSenders } from "../../bots/channels/senders.ts";
import { seedDemoCatalog } from "../../core/demo/seed-catalog.ts";
import { notificationModel } from "../../core/notifications/notification-service.ts";
import { callbackModel } from "../../core/payments/callback-intake.ts";
import { invoiceModel } from "../../core/payments/invoice-service.ts";
import { userModels } from "../../core/users/user-model.ts";
import { MAINTENANCE_QUEUE } from "../../jobs/maintenance/maintenance-job.ts";
import { attachWorkers } from "../../jobs/runtime/create-runtime.ts";
import { signedCallback } from "../../webhooks/sandbox-gateway/signed-callbacks.ts";
import type { TgUser } from "../fakes/telegram-updates.ts";
import type { VbUser } from "../fakes/viber-events.ts";
import { hireAt } from "../helpers/billing.ts";
import { telegramScreen, viberScreen, type Screen } from "../helpers/screens.ts";
import { viberHarness, type ViberHarness } from "../helpers/viber-harness.ts";
import { waitFor } from "../helpers/wait-for.ts";

/**
 * A maintenance window on a pinned clock, as people and the owner see it: planned 48 hours ahead, the active people
 * are told once (not those away for over 30 days); during it every update gets the notice in the person's language,
 * a signed gateway callback is verified and stored, and it is settled when the window ends; nothing is lost.
 */
let h: ViberHarness;
let now = new Date("2026-12-03T12:00:00.000Z");
const OWNER: TgUser = { id: 7_500_001, first_name: "Owner", language_code: "en" };
const ANN: TgUser = { id: 7_500_002, first_name: "Ann", language_code: "en" };
const BO: VbUser = { id: "maintBo0000000000000A==", name: "Bo", language: "my" };
let owner: Screen;
let ann: Screen;
let bo: Screen;

/** The owner's latest messages: notices about the demo company's invoices (the owner is its contact) may interleave. */
const ownerSaw = () => owner.texts().slice(-3).join("\n");

async function runMaintenanceJobs(): Promise<void> {
  const queue = h.t.runtime.queues.get(MAINTENANCE_QUEUE);
  for (const job of await queue.getDelayed()) await job.promote();
  await waitFor(async () => (await queue.getWaitingCount()) + (await queue.getActiveCount()) === 0, 10_000);
  await new Promise((resolve) => setTimeout(resolve, 300));
}

beforeAll(async () => {
  h = await viberHarness(
    {
      ADMIN_TELEGRAM_IDS: String(OWNER.id),
      QUIET_HOURS: "off",
      REWARDS_RELEASE: "invoice",
      PUBLIC_URL: "https://trm.example",
    },
    { clock: () => now },
  );
  attachWorkers(h.t.runtime, h.t.core, createChannelSenders(h.t.runtime.config, h.t.runtime.redis));
  await seedDemoCatalog(h.t.runtime.mongo, now);
  await h.t.core.catalog.refresh();
  owner = telegramScreen(h, OWNER);
  ann = telegramScreen(h, ANN);
  bo = viberScreen(h, BO);
  await owner.open();
  await owner.press(/^(✓ )?English/);
  await ann.open();
  await ann.press(/^(✓ )?English/);
  await bo.type("hi");
  // Someone away for 40 days is not told.
  const { User } = userModels(h.t.runtime.mongo);
  await User.create({
    _id: "UAWAY001",
    name: "Away",
    language: "en",
    languageChosen: true,
    invitedBy: null,
    identityKeys: [],
    roles: [],
    status: "active",
    createdAt: new Date(now.getTime() - 90 * 86_400_000),
    lastSeenAt: new Date(now.getTime() - 40 * 86_400_000),
  });
});
afterAll(() => h.close());

describe("maintenance window", () => {
  it("is announced 48 h ahead once, answers with the notice during it, and settles callbacks after it", async () => {
    await owner.type('/maintenance 2026-12-06 02:00 2h "Database upgrade"');
    expect(ownerSaw()).toContain("2026-12-06 02:00 to 04:00 (Yangon time)");
    expect(ownerSaw()).toContain("told on 2026-12-04 02:00");
    const windowId = /M\d{12}/.exec(ownerSaw())?.[0] ?? "";

    // 48 hours ahead: the active people are told, once, each in their language.
    now = new Date("2026-12-03T19:30:00.000Z");
    await runMaintenanceJobs();
    await runMaintenanceJobs();
    const notices = await notificationModel(h.t.runtime.mongo)
      .find({ _id: { $regex: `^maintenance:${windowId}:` } })
      .lean();
    expect(notices.map((doc) => doc.userId).sort()).toHaveLength(3);
    expect(notices.some((doc) => doc.userId === "UAWAY001")).toBe(false);
    await waitFor(() => ann.texts().some((text) => text.includes("Planned maintenance")), 10_000);
    await waitFor(() => bo.texts().some((text) => text.includes("ပြုပြင်ထိန်းသိမ်းမှု")), 10_000);
    expect(ann.texts().filter((text) => text.includes("Planned maintenance"))).toHaveLength(1);

    // A hire's invoice, to be paid during the window.
    const invoice = await hireAt(h.t, "wavepay");

    // During the window: people get the notice in their language; the owner keeps working.
    now = new Date("2026-12-05T20:00:00.000Z");
    await ann.type("/jobs");
    expect(ann.lastText()).toContain(
      "TRM is under maintenance until 04:00 (Yangon time, 2026-12-06). Database upgrade",
    );
    await bo.type("hi");
    expect(bo.lastText()).toContain("ပြုပြင်ထိန်းသိမ်းနေပါတယ်");
    // (The owner is the demo company's billing contact: the hire's invoice notice may arrive in between.)
    await owner.type("/maintenance");
    expect(ownerSaw()).toContain(`${windowId}: 2026-12-06 02:00 to 04:00`);

    const paid = await h.t.app.inject({
      method: "POST",
      url: "/webhooks/wavepay",
      headers: { "content-type": "application/json" },
      payload: signedCallback("wavepay", invoice, "paid", h.t.runtime.config.gateways),
    });
    expect(paid.statusCode).toBe(200);
    expect(await invoiceModel(h.t.runtime.mongo).findById(invoice._id).lean()).toMatchObject({ status: "pending" });
    expect(await callbackModel(h.t.runtime.mongo).countDocuments({ outcome: "deferred" })).toBe(1);
    // A forged callback is still refused during the window.
    const forged = await h.t.app.inject({
      method: "POST",
      url: "/webhooks/wavepay",
      headers: { "content-type": "application/json" },
      payload: signedCallback("wavepay", invoice, "paid", h.t.runtime.config.gateways).replace(
        /"hashValue":"[^"]*"/,
        '"hashValue":"x"',
      ),
    });
    expect(forged.statusCode).toBeGreaterThanOrEqual(400);

    // The window ends: the stored callback is settled, and people are served again.
    now = new Date("2026-12-05T21:31:00.000Z");
    await runMaintenanceJobs();
    expect(await invoiceModel(h.t.runtime.mongo).findById(invoice._id).lean()).toMatchObject({ status: "paid" });
    expect(await callbackModel(h.t.runtime.mongo).countDocuments({ outcome: "deferred" })).toBe(0);
    await ann.type("/menu");
    expect(ann.lastText()).not.toContain("maintenance");
  });

  it("/maintenance off ends a window early", async () => {
    now = new Date("2026-12-07T12:00:00.000Z");
    await owner.type("/maintenance 2026-12-08 02:00 1h");
    expect(ownerSaw()).toContain("02:00 to 03:00");
    now = new Date("2026-12-07T19:45:00.000Z");
    await ann.type("/menu");
    expect(ann.lastText()).toContain("under maintenance until 03:00");
    await owner.type("/maintenance off");
    expect(ownerSaw()).toContain("ended now");
    await ann.type("/menu");
    expect(ann.lastText()).not.toContain("maintenance");
  });
});

describe("parseWindow", () => {
  it("reads a Yangon start and a duration, in any digits; refuses wrong dates and over 12 hours", async () => {
    const { parseWindow } = await import("../../core/maintenance/maintenance-service.ts");
    const { toAsciiDigits } = await import("../../core/myanmar/index.ts");
    expect(parseWindow(toAsciiDigits("၂၀၂၆-၁၂-၀၆ ၀၂:၀၀ ၂h ပြုပြင်"))).toEqual({
      startsAt: new Date("2026-12-05T19:30:00.000Z"),
      endsAt: new Date("2026-12-05T21:30:00.000Z"),
      reason: "ပြုပြင်",
    });
    expect(parseWindow("2026-12-06 02:00 1h30m")?.endsAt).toEqual(new Date("2026-12-05T21:00:00.000Z"));
    for (const wrong of ["2026-02-30 02:00 2h", "2026-12-06 25:00 2h", "2026-12-06 02:00 13h", "2026-12-06 02:00"])
      expect(parseWindow(wrong)).toBeNull();
  });
});
