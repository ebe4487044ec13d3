import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BotServices } from "../../bots/engine/services.ts";
import { catalogModels, type JobDoc } from "../../core/catalog/catalog-models.ts";
import { computeLeaderboard, maskName } from "../../core/referrals/leaderboard.ts";
import { networkSizes } from "../../core/referrals/network.ts";
import { allowedMoves, REFERRAL_STATUSES, type ReferralStatus } from "../../core/referrals/pipeline.ts";
import type { ReferralDoc } from "../../core/referrals/referral-model.ts";
import { ReferralService } from "../../core/referrals/referral-service.ts";
import { rewardModel } from "../../core/referrals/reward-service.ts";
import { ledgerModels } from "../../core/wallet/ledger.ts";
import { newUserFields, userModels, type UserDoc } from "../../core/users/user-model.ts";
import { base31 } from "../../core/users/public-id.ts";
import { buildTestApp, testConfig, type TestApp } from "../helpers/test-runtime.ts";
import { EventHub } from "../../core/events/event-hub.ts";

let t: TestApp;
let s: BotServices;
const RECRUITER = "URECRUIT";
let phoneSeq = 100_000;
let pipelineJobs = 0;
const nextPhone = () => `+95997${String(++phoneSeq).padStart(7, "0")}`;

async function addUser(id: string, invitedBy: string | null = null, extra: Partial<UserDoc> = {}): Promise<void> {
  const now = new Date();
  await userModels(t.runtime.mongo).User.create({
    _id: id,
    ...newUserFields({ name: `Person ${id}`, language: "en", languageChosen: true, invitedBy, ...extra }, now),
  });
}

async function addJob(id: string, bonus: number, status: JobDoc["status"] = "open"): Promise<void> {
  const now = new Date();
  await catalogModels(t.runtime.mongo).Job.create({
    _id: id,
    companyId: "C001",
    title: { en: `Job ${id}`, my: `အလုပ် ${id}` },
    description: { en: "d", my: "d" },
    category: "sales",
    region: "yangon",
    township: "kamayut",
    salaryMin: null,
    salaryMax: null,
    employment: "full_time",
    bonus,
    status,
    postedAt: now,
    expiresAt: new Date(now.getTime() + 30 * 86_400_000),
    createdBy: RECRUITER,
  });
}

const refer = (jobId: string, referrerId: string, phone = nextPhone()) =>
  s.referrals.submit({
    jobId,
    referrerId,
    submittedBy: referrerId,
    source: "submitted",
    candidate: { name: "Ko Candidate", phone },
    candidateUserId: null,
    relationship: "friend",
    cvMediaId: null,
  });

const recruiter = { userId: RECRUITER, as: "recruiter" as const };
async function moveTo(referral: ReferralDoc, path: ReferralStatus[]): Promise<void> {
  for (const to of path)
    await s.referrals.move(referral._id, to, recruiter, to === "rejected" ? "not_qualified" : null);
}

beforeAll(async () => {
  t = await buildTestApp({ config: testConfig({ REFERRALS_PER_DAY: "500", NETWORK_COMMISSION_PERCENT: "10,5,2" }) });
  s = t.bot.services;
  for (const id of ["UAAAAAAA", "UBBBBBBB", "UCCCCCCC", "UDDDDDDD"]) await addUser(id);
  await addUser("UN1AAAAA");
  await addUser("UN2BBBBB", "UN1AAAAA");
  await addUser("UN3CCCCC", "UN2BBBBB");
  await addUser("UN4DDDDD", "UN3CCCCC");
  await addUser("UN5EEEEE", "UN4DDDDD", { phone: "+959420000555" });
  await addJob("JAAAAA2", 100_000);
  await addJob("JBBBBB2", 75_000);
  await addJob("JCLOSED", 50_000, "closed");
  await addJob("JLIMIT2", 10_000);
  await s.catalog.refresh();
});
afterAll(() => t.close());

describe("referral rules", () => {
  it(
    "refuses self-referral, a closed job, and a second active referral of the " +
      "same candidate (the first wins), and frees the candidate after a rejection",
    async () => {
      await expect(refer("JAAAAA2", "UN5EEEEE", "+959420000555")).rejects.toMatchObject({ code: "self_referral" });
      await expect(
        s.referrals.submit({
          jobId: "JAAAAA2",
          referrerId: "UAAAAAAA",
          submittedBy: "UAAAAAAA",
          source: "link",
          candidate: { name: "Me", phone: nextPhone() },
          candidateUserId: "UAAAAAAA",
          relationship: null,
          cvMediaId: null,
        }),
      ).rejects.toMatchObject({ code: "self_referral" });
      await expect(refer("JCLOSED", "UAAAAAAA")).rejects.toMatchObject({ code: "job_closed" });

      const phone = nextPhone();
      const outcomes = await Promise.allSettled([
        refer("JAAAAA2", "UAAAAAAA", phone),
        refer("JAAAAA2", "UBBBBBBB", phone),
        refer("JAAAAA2", "UCCCCCCC", phone),
      ]);
      const won = outcomes.filter(
        (outcome): outcome is PromiseFulfilledResult<ReferralDoc> => outcome.status === "fulfilled",
      );
      expect(won).toHaveLength(1);
      for (const lost of outcomes.filter((outcome) => outcome.status === "rejected"))
        expect(lost.reason).toMatchObject({ code: "duplicate_candidate" });
      // The same person may be referred to another job.
      await expect(refer("JBBBBB2", "UBBBBBBB", phone)).resolves.toMatchObject({ status: "submitted" });

      const first = won[0]?.value;
      if (first === undefined) throw new Error("no winner");
      await moveTo(first, ["rejected"]);
      await expect(refer("JAAAAA2", "UDDDDDDD", phone)).resolves.toMatchObject({ referrerId: "UDDDDDDD" });
    },
  );

  it(
    "counts a person's referrals per day and refuses past " + "the limit, without using up the limit on refused ones",
    async () => {
      await addUser("ULIMIT22");
      const limited = new ReferralService({
        events: new EventHub(),
        connection: t.runtime.mongo,
        redis: t.runtime.redis,
        prefix: t.runtime.config.redis.prefix,
        perDay: 5,
        catalog: s.catalog,
        users: s.users,
      });
      const submit = (jobId: string) =>
        limited.submit({
          jobId,
          referrerId: "ULIMIT22",
          submittedBy: "ULIMIT22",
          source: "submitted",
          candidate: { name: "Ma Limit", phone: nextPhone() },
          candidateUserId: null,
          relationship: "other",
          cvMediaId: null,
        });
      await expect(submit("JCLOSED")).rejects.toMatchObject({ code: "job_closed" });
      for (let i = 0; i < 5; i++) await submit("JLIMIT2");
      await expect(submit("JLIMIT2")).rejects.toMatchObject({ code: "daily_limit", details: { limit: 5 } });
    },
  );

  it(
    "allows exactly the pipeline's moves: each allowed move is recorded " +
      "with who and when, every other move is refused and changes nothing",
    async () => {
      const paths: Record<ReferralStatus, ReferralStatus[]> = {
        submitted: [],
        screening: ["screening"],
        interview: ["screening", "interview"],
        offered: ["screening", "interview", "offered"],
        hired: ["screening", "interview", "offered", "hired"],
        rejected: ["rejected"],
        withdrawn: [],
      };
      for (const from of REFERRAL_STATUSES) {
        for (const actor of ["recruiter", "referrer"] as const) {
          for (const to of REFERRAL_STATUSES) {
            if (to === from) continue;
            const jobId = `JP${base31(++pipelineJobs, 5)}`;
            await addJob(jobId, 20_000);
            const referral = await refer(jobId, "UCCCCCCC");
            if (from === "withdrawn")
              await s.referrals.move(referral._id, "withdrawn", { userId: "UCCCCCCC", as: "referrer" });
            else await moveTo(referral, paths[from]);
            const by = actor === "recruiter" ? recruiter : { userId: "UCCCCCCC", as: "referrer" as const };
            const allowed = allowedMoves(from, actor).includes(to);
            const attempt = s.referrals.move(referral._id, to, by, to === "rejected" ? "position_filled" : null);
            if (allowed) {
              const result = await attempt;
              expect(result.referral.status, `${actor}: ${from} → ${to}`).toBe(to);
              const last = (await s.referrals.find(referral._id))?.history.at(-1);
              expect(last).toMatchObject({ from, to, by: by.userId });
              expect(last?.at).toBeInstanceOf(Date);
            } else {
              await expect(attempt, `${actor}: ${from} → ${to}`).rejects.toMatchObject({ code: "move_not_allowed" });
              expect((await s.referrals.find(referral._id))?.status).toBe(from);
            }
          }
        }
      }
      // A referrer may not withdraw someone else's referral; a rejection needs a reason.
      const other = await refer("JBBBBB2", "UAAAAAAA");
      await expect(
        s.referrals.move(other._id, "withdrawn", { userId: "UBBBBBBB", as: "referrer" }),
      ).rejects.toMatchObject({ code: "not_your_referral" });
      await expect(s.referrals.move(other._id, "rejected", recruiter, null)).rejects.toMatchObject({
        code: "reason_required",
      });
    },
    120_000,
  );
});

describe("rewards", () => {
  it(
    "50 concurrent 'hired' moves of one referral record one move and one reward " +
      "set: bonus to the referrer, 10/5/2 % to three inviters, nothing to a fourth",
    async () => {
      const referral = await refer("JAAAAA2", "UN5EEEEE");
      await moveTo(referral, ["screening", "interview", "offered"]);
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, () => s.referrals.move(referral._id, "hired", recruiter)),
      );
      expect(results.every((result) => result.status === "fulfilled")).toBe(true);
      const fresh = results.filter(
        (result): result is PromiseFulfilledResult<{ already: boolean; referral: ReferralDoc }> =>
          result.status === "fulfilled" && !result.value.already,
      );
      expect(fresh).toHaveLength(1);

      const stored = await s.referrals.find(referral._id);
      expect(stored?.history.filter((move) => move.to === "hired")).toHaveLength(1);
      const rewards = await rewardModel(t.runtime.mongo).find({ referralId: referral._id }).sort({ level: 1 }).lean();
      expect(rewards.map((reward) => [reward.beneficiaryId, reward.level, reward.amount, reward.status])).toEqual([
        ["UN5EEEEE", 0, 100_000, "pending"],
        ["UN4DDDDD", 1, 10_000, "pending"],
        ["UN3CCCCC", 2, 5_000, "pending"],
        ["UN2BBBBB", 3, 2_000, "pending"],
      ]);
      const { Entry } = ledgerModels(t.runtime.mongo);
      for (const reward of rewards) {
        // One transaction: the person's pending and the platform's account on the other side, lifetime total with it.
        const [credit] = await Entry.find({ txKey: `reward:${reward._id}` }).lean();
        expect(credit?.postings).toEqual([
          { account: `user:${reward.beneficiaryId}:pending`, amount: reward.amount },
          {
            account: reward.level === 0 ? "system:rewards_payable" : "system:commission_expense",
            amount: -reward.amount,
          },
        ]);
        expect(await s.wallet.balances(reward.beneficiaryId)).toEqual({
          available: 0,
          pending: reward.amount,
          held: 0,
          earned: reward.amount,
          paidout: 0,
        });
      }
      expect(await s.wallet.balances("UN1AAAAA")).toEqual({ available: 0, pending: 0, held: 0, earned: 0, paidout: 0 });

      // Crediting again (a retried worker, a repeated click) changes nothing.
      await s.rewards.creditHire(stored as ReferralDoc);
      expect(await s.wallet.balances("UN5EEEEE")).toMatchObject({ pending: 100_000, earned: 100_000 });

      // Release, twice and concurrently: pending → available once.
      await Promise.all([
        s.rewards.release(referral._id),
        s.rewards.release(referral._id),
        s.rewards.release(referral._id),
      ]);
      expect(await s.rewards.release(referral._id)).toEqual([]);
      expect(await s.wallet.balances("UN5EEEEE")).toEqual({
        available: 100_000,
        pending: 0,
        held: 0,
        earned: 100_000,
        paidout: 0,
      });
      expect(await s.wallet.balances("UN2BBBBB")).toEqual({
        available: 2_000,
        pending: 0,
        held: 0,
        earned: 2_000,
        paidout: 0,
      });
      const entries = await s.wallet.recent("UN5EEEEE", 5);
      // One line per thing that happened, newest first (a release is one event, not two legs).
      expect(entries.map((entry) => [entry.amount, entry.memo.code])).toEqual([
        [100_000, "reward_released"],
        [100_000, "referral_bonus"],
      ]);
      const history = await Entry.find({ owner: "user:UN5EEEEE" }).lean();
      expect(new Set(history.map((entry) => entry.txKey)).size).toBe(history.length);
    },
  );

  it("network: people per level up to 3, and what the network earned each inviter", async () => {
    expect(await networkSizes(t.core.users, "UN1AAAAA")).toEqual([1, 1, 1]);
    expect(await networkSizes(t.core.users, "UN3CCCCC")).toEqual([1, 1, 0]);
    expect(await s.rewards.networkEarnings("UN4DDDDD")).toEqual({ total: 10_000, byLevel: [10_000, 0, 0] });
    expect(await s.rewards.networkEarnings("UN2BBBBB")).toEqual({ total: 2_000, byLevel: [0, 0, 2_000] });
    expect(await s.rewards.networkEarnings("UN1AAAAA")).toEqual({ total: 0, byLevel: [0, 0, 0] });
  });

  it("leaderboard: ranks the month's referrers by hires, then earnings, with chosen or masked names", async () => {
    await t.core.users.setDisplayName("UN4DDDDD", "Star Recruiter");
    const second = await refer("JBBBBB2", "UN4DDDDD");
    await moveTo(second, ["screening", "interview", "offered", "hired"]);
    const board = await computeLeaderboard(t.runtime.mongo, t.core.users, new Date());
    // The pipeline test hired 13 of UCCCCCCC's referrals (20,000 each); equal hires are ordered by earnings.
    expect(board.entries.map((entry) => [entry.rank, entry.userId, entry.hires, entry.earned])).toEqual([
      [1, "UCCCCCCC", 13, 260_000],
      [2, "UN5EEEEE", 1, 100_000],
      [3, "UN4DDDDD", 1, 85_000], // 75,000 bonus + 10,000 commission
    ]);
    expect(board.entries[1]?.name).toBe("P*** U***");
    expect(board.entries[2]?.name).toBe("Star Recruiter");
    expect(maskName("အောင်ကိုကို")).toBe("အောင်***");
    expect(maskName("မောင် မောင် ဝင်း")).toBe("မောင်***");
    expect(maskName("  Aung   Ko Ko ")).toBe("A*** K*** K***");
  });
});
