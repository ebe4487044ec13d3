import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFileFetcher } from "../../bots/channels/file-fetchers.ts";
import type { BotServices } from "../../bots/engine/services.ts";
import { auditModel } from "../../core/admin/audit-log.ts";
import { KycService } from "../../core/kyc/kyc-service.ts";
import { kycModels } from "../../core/kyc/kyc-models.ts";
import { decisionModel } from "../../core/decisions/decision-store.ts";
import { parseNrc } from "../../core/myanmar/index.ts";
import type { Nrc } from "../../core/myanmar/nrc.ts";
import { MediaVault } from "../../core/files/media-vault.ts";
import { AuditLog } from "../../core/admin/audit-log.ts";
import { samplePng } from "../../webhooks/sandbox-page/sample-images.ts";
import { buildTestApp, type TestApp } from "../helpers/test-runtime.ts";
import { EventHub } from "../../core/events/event-hub.ts";

let t: TestApp;
let s: BotServices;
let n = 0;
const reviewer = (userId: string) => ({ userId, role: "reviewer" as const, channel: "tg" as const });
const nrc = (text: string): Nrc => {
  const parsed = parseNrc(text);
  if (!parsed.ok) throw new Error(`bad test NRC ${text}`);
  return { state: parsed.state, township: parsed.township, type: parsed.type, number: parsed.number };
};

/** Three stored documents of a user, through the real intake (sandbox files in Redis). */
async function documents(userId: string) {
  const ids: string[] = [];
  for (const side of [500, 520, 540]) {
    const ref = `kyc-svc-${++n}`;
    await t.runtime.redis.set(`${t.runtime.config.redis.prefix}:sandbox:file:${ref}`, samplePng(side, side), "EX", 600);
    const id = await s.media.vault.register({
      ownerId: userId,
      purpose: "kyc",
      transport: "sandbox",
      fileRef: `sandbox:${ref}`,
      rejectNotice: { en: "x", my: "x" },
    });
    await s.media.vault.ingest(id, createFileFetcher(t.runtime.config, t.runtime.redis));
    ids.push(id);
  }
  return { front: ids[0] ?? "", back: ids[1] ?? "", selfie: ids[2] ?? "" };
}

const submit = async (userId: string, number = "12/OUKAMA(N)123456") =>
  s.kyc.submit(userId, {
    nrc: nrc(number),
    fullName: "Aung Aung",
    dateOfBirth: "1990-12-31",
    documents: await documents(userId),
  });

beforeAll(async () => {
  t = await buildTestApp();
  s = t.bot.services;
});
afterAll(() => t.close());

describe("KYC submissions and review", () => {
  it("one open submission per person; documents must be stored and their own", async () => {
    await expect(
      s.kyc.submit("UKYCAAAA", {
        nrc: nrc("12/OUKAMA(N)111111"),
        fullName: "A",
        dateOfBirth: "1990-01-01",
        documents: { ...(await documents("UKYCBBBB")) },
      }),
    ).rejects.toMatchObject({ code: "kyc_documents_not_ready" });
    const first = await submit("UKYCAAAA");
    expect(first).toMatchObject({ status: "submitted", nrc: { burmese: "၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆" } });
    await expect(submit("UKYCAAAA")).rejects.toMatchObject({ code: "kyc_already_submitted" });
    expect(await s.kyc.state("UKYCAAAA")).toMatchObject({ status: "submitted", submissionId: first._id, attempts: 1 });
  });

  it("two concurrent decisions on one submission: exactly one wins; every view and decision is audited", async () => {
    const submission = await submit("UKYCCCCC", "9/MAHTALA(N)222222");
    await s.kyc.open(submission._id, reviewer("UREVIEW1"));
    const outcomes = await Promise.allSettled([
      s.kyc.decide(submission._id, reviewer("UREVIEW1"), "approved"),
      s.kyc.decide(submission._id, reviewer("UREVIEW2"), "rejected", "blurry"),
      s.kyc.decide(submission._id, reviewer("UREVIEW2"), "approved"),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
    for (const lost of outcomes.filter((outcome) => outcome.status === "rejected"))
      expect(lost.reason).toMatchObject({ code: "kyc_already_decided" });
    const decided = await s.kyc.find(submission._id);
    expect(["approved", "rejected"]).toContain(decided?.status);
    const actions = (await auditModel(t.runtime.mongo).find({ target: submission._id }).lean()).map(
      (entry) => entry.action,
    );
    expect(actions.filter((action) => action === "kyc.view")).toHaveLength(1);
    expect(actions.filter((action) => action === "kyc.approve" || action === "kyc.reject")).toHaveLength(1);
  });

  it("a submission or decision cut off by a crash is finished by the retry or the sweeper, once", async () => {
    const decisions = decisionModel(t.runtime.mongo);
    // Submit: the attempt is decided, then the process dies before the submission is written. Before, every retry
    // answered "already submitted" with nothing to review, so the person could never withdraw.
    await decisions.create({ _id: "kyc:UKYCCUT1:submission:1", at: new Date(), meta: { id: "KCUTAAAA1" } });
    const retried = await submit("UKYCCUT1", "8/MAKANA(N)444444");
    expect(retried).toMatchObject({ _id: "KCUTAAAA1", status: "submitted" });
    expect(await s.kyc.state("UKYCCUT1")).toMatchObject({ status: "submitted", submissionId: "KCUTAAAA1" });
    expect((await s.kyc.queue(100)).map((submission) => submission._id)).toContain("KCUTAAAA1");
    // Submit: the submission is written, the person's state is not; the sweeper puts it in place.
    const written = await submit("UKYCCUT2", "8/MAKANA(N)555555");
    await kycModels(t.runtime.mongo).State.updateOne(
      { _id: "UKYCCUT2" },
      { $set: { status: "none", submissionId: null, attempts: 0 } },
    );
    // Decide: the approval is recorded, the submission is not; the next reviewer is told it was decided and it is.
    await decisions.create({
      _id: `kyc:${retried._id}:decided`,
      at: new Date(),
      meta: { by: "UREVIEW1", role: "reviewer", channel: "tg", outcome: "approved", reason: null, reasonText: null },
    });
    await expect(s.kyc.decide(retried._id, reviewer("UREVIEW2"), "rejected", "blurry")).rejects.toMatchObject({
      code: "kyc_already_decided",
    });
    expect(await s.kyc.find(retried._id)).toMatchObject({ status: "approved", decidedBy: "UREVIEW1" });
    expect(await s.kyc.state("UKYCCUT1")).toMatchObject({ status: "approved" });
    // Decide: a rejection recorded and cut off, finished by the sweeper with nobody retrying.
    const rejected = await submit("UKYCCUT3", "8/MAKANA(N)666666");
    await decisions.create({
      _id: `kyc:${rejected._id}:decided`,
      at: new Date(),
      meta: {
        by: "UREVIEW1",
        role: "reviewer",
        channel: "tg",
        outcome: "rejected",
        reason: "blurry",
        reasonText: null,
      },
    });
    const swept = await s.kyc.finishStuck(1);
    expect(swept.sort()).toEqual([written._id, rejected._id].sort());
    expect(await s.kyc.state("UKYCCUT2")).toMatchObject({
      status: "submitted",
      submissionId: written._id,
      attempts: 1,
    });
    expect(await s.kyc.find(rejected._id)).toMatchObject({ status: "rejected", reason: "blurry" });
    expect(await s.kyc.state("UKYCCUT3")).toMatchObject({ status: "rejected" });
    expect(await s.kyc.finishStuck()).toEqual([]);
    // Once: finishing again writes no second audit entry (notices are keyed by decision already).
    await s.kyc.finish(retried._id);
    const decisionsAudited = await auditModel(t.runtime.mongo).countDocuments({
      target: { $in: [retried._id, rejected._id] },
      action: { $in: ["kyc.approve", "kyc.reject"] },
    });
    expect(decisionsAudited).toBe(2);
  });

  it("flags the same NRC on another account; a rejected person may submit again", async () => {
    const first = await submit("UKYCDDDD", "5/SAKANA(N)333333");
    const other = await submit("UKYCEEEE", "5/SAKANA(N)333333");
    expect(await s.kyc.sameNrcElsewhere(other)).toEqual(["UKYCDDDD"]);
    await s.kyc.decide(first._id, reviewer("UREVIEW1"), "rejected", "mismatch");
    await expect(s.kyc.decide(first._id, reviewer("UREVIEW1"), "approved")).rejects.toMatchObject({
      code: "kyc_already_decided",
    });
    const again = await submit("UKYCDDDD", "5/SAKANA(N)333333");
    expect(again._id).not.toBe(first._id);
    expect(await s.kyc.state("UKYCDDDD")).toMatchObject({ status: "submitted", attempts: 2 });
  });

  it(
    "retention deletes exactly the documents decided " + "long enough ago, keeps the decisions, and is audited",
    async () => {
      let clock = new Date("2026-01-01T00:00:00Z");
      const vault = new MediaVault({
        connection: t.runtime.mongo,
        keys: t.runtime.config.encryptionKeys,
        storageDir: t.runtime.config.storageDir,
      });
      const kyc = new KycService({
        events: new EventHub(),
        connection: t.runtime.mongo,
        vault,
        audit: new AuditLog(t.runtime.mongo),
        payoutInFlight: async () => false,
        now: () => clock,
      });
      const old = await kyc.submit("UKYCOLD2", {
        nrc: nrc("7/PAMANA(N)444444"),
        fullName: "Old",
        dateOfBirth: "1980-05-05",
        documents: await documents("UKYCOLD2"),
      });
      await kyc.decide(old._id, reviewer("UREVIEW1"), "approved");
      clock = new Date("2026-03-15T00:00:00Z");
      const recent = await kyc.submit("UKYCNEW2", {
        nrc: nrc("7/PAMANA(N)555555"),
        fullName: "New",
        dateOfBirth: "1985-05-05",
        documents: await documents("UKYCNEW2"),
      });
      await kyc.decide(recent._id, reviewer("UREVIEW1"), "rejected", "blurry");
      const waiting = await kyc.submit("UKYCWAI2", {
        nrc: nrc("7/PAMANA(N)666666"),
        fullName: "Waiting",
        dateOfBirth: "1985-05-05",
        documents: await documents("UKYCWAI2"),
      });

      clock = new Date("2026-04-01T00:00:01Z"); // 90 days after the first decision
      expect(await kyc.applyRetention(90)).toEqual([old._id]);
      expect(await kyc.applyRetention(90)).toEqual([]);
      expect(await kyc.find(old._id)).toMatchObject({ status: "approved", documentsDeletedAt: clock });
      for (const id of Object.values(old.documents)) expect((await vault.find(id))?.status).toBe("deleted");
      for (const id of [...Object.values(recent.documents), ...Object.values(waiting.documents)])
        expect((await vault.find(id))?.status).toBe("stored");
      expect(
        await auditModel(t.runtime.mongo).find({ target: old._id, action: "kyc.documents_deleted_retention" }).lean(),
      ).toHaveLength(1);
    },
  );

  it(
    "a person's request deletes their documents (audited), " +
      "refused while under review or while a payout is in flight",
    async () => {
      const submission = await submit("UKYCDEL2", "14/HATHATA(N)777777");
      await expect(s.kyc.deleteDocumentsOf("UKYCDEL2", "tg")).rejects.toMatchObject({ code: "kyc_under_review" });
      await s.kyc.decide(submission._id, reviewer("UREVIEW1"), "approved");
      await s.wallet.credit("UKYCDEL2", "held", 5_000, "test:hold", { code: "adjustment", params: {} });
      await expect(s.kyc.deleteDocumentsOf("UKYCDEL2", "tg")).rejects.toMatchObject({ code: "payout_in_flight" });
      await s.wallet.move("UKYCDEL2", "held", "available", 5_000, "test:unhold", { code: "adjustment", params: {} });
      expect(await s.kyc.deleteDocumentsOf("UKYCDEL2", "tg")).toBe(1);
      expect((await s.kyc.find(submission._id))?.documentsDeletedAt).toBeInstanceOf(Date);
      expect(
        await auditModel(t.runtime.mongo).countDocuments({
          target: "UKYCDEL2",
          action: "kyc.documents_deleted_on_request",
        }),
      ).toBe(1);
    },
  );
});
