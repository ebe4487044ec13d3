import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditModel } from "../../core/admin/audit-log.ts";
import { userModels } from "../../core/users/user-model.ts";
import { buttonsOf } from "../fakes/fake-telegram-api.ts";
import { tgButton, tgText, type TgUser } from "../fakes/telegram-updates.ts";
import { telegramHarness, type TelegramHarness } from "../helpers/telegram-harness.ts";

const OWNER: TgUser = { id: 5_000_001, first_name: "Owner", language_code: "en" };
const OTHER_OWNER: TgUser = { id: 5_000_002, first_name: "Second", language_code: "en" };
const STAFF: TgUser = { id: 5_000_010, first_name: "Staff", language_code: "my" };
const NOBODY: TgUser = { id: 5_000_020, first_name: "Nobody", language_code: "en" };
const RECRUITER: TgUser = { id: 5_000_030, first_name: "Recruiter", language_code: "en" };

let h: TelegramHarness;
const lastTo = (user: TgUser) => h.fake.textsTo(user.id).at(-1) ?? "";
const lastCall = (user: TgUser) =>
  h.fake.calls
    .filter(
      (call) => String(call.payload.chat_id) === String(user.id) && /^(sendMessage|editMessageText)$/.test(call.method),
    )
    .at(-1);
const publicId = async (user: TgUser) =>
  (await userModels(h.t.runtime.mongo).Identity.findById(`tg:${user.id}`).lean())?.userId ?? "";
const UNKNOWN = "Sorry, I didn't understand that. Please choose from the menu, or tap Help.";

beforeAll(async () => {
  h = await telegramHarness({ ADMIN_TELEGRAM_IDS: `${OWNER.id},${OTHER_OWNER.id}` });
  for (const user of [OWNER, STAFF, NOBODY, RECRUITER]) await h.post(tgText(user, "/start"));
});
afterAll(() => h.close());

describe("roles", () => {
  it("makes configured owners owners on first contact, audited once", async () => {
    const owner = await userModels(h.t.runtime.mongo)
      .User.findById(await publicId(OWNER))
      .lean();
    expect(owner?.roles).toEqual(["owner"]);
    await h.post(tgText(OWNER, "/help"));
    const entries = await auditModel(h.t.runtime.mongo)
      .find({ action: "role.bootstrap_owner", target: owner?._id })
      .lean();
    expect(entries).toHaveLength(1);
  });

  it("gives owners the admin menu of their sections", async () => {
    await h.post(tgText(OWNER, "/admin"));
    expect(lastTo(OWNER)).toBe("Admin. Choose a section:");
    expect(buttonsOf(lastCall(OWNER)).map((button) => button.data)).toEqual([
      "m:admin.jobs",
      "m:admin.referrals",
      "m:admin.kyc",
      "m:admin.finance",
      "m:admin.support",
      "m:admin.stats",
      "m:admin.users",
      "m:admin.broadcast",
      "m:admin.audit",
      "m:admin.roles",
    ]);
  });

  it("to someone without a role, admin commands and buttons do not exist, and the attempts are counted", async () => {
    for (const attempt of [
      tgText(NOBODY, "/admin"),
      tgText(NOBODY, "/grant U2345678 owner"),
      tgText(NOBODY, "/audit"),
      tgButton(NOBODY, "m:admin.roles"),
    ]) {
      await h.post(attempt);
      expect(lastTo(NOBODY)).toBe(UNKNOWN);
    }
    await h.post(tgText(NOBODY, "/nonsense"));
    expect(lastTo(NOBODY)).toBe(UNKNOWN);
    const metrics = (await h.t.app.inject({ method: "GET", url: "/metrics" })).body;
    expect(metrics).toMatch(/admin_denied_total\{action="admin"\} 1/);
    expect(metrics).toMatch(/admin_denied_total\{action="grant"\} 1/);
    expect(metrics).toMatch(/admin_denied_total\{action="admin.roles"\} 1/);
    expect(await auditModel(h.t.runtime.mongo).countDocuments({ action: "role.grant" })).toBe(0);
  });

  it(
    "owners grant and revoke roles by public id; the " + "role decides the sections and the scoped command menu",
    async () => {
      const staffId = await publicId(STAFF);
      await h.post(tgText(OWNER, `/grant ${staffId.toLowerCase()} reviewer`));
      expect(lastTo(OWNER)).toBe(`${staffId} is now reviewer.`);

      h.fake.clear();
      await h.post(tgText(STAFF, "/admin"));
      expect(lastTo(STAFF)).toBe("စီမံခန့်ခွဲမှု။ ကဏ္ဍတစ်ခု ရွေးပါ:");
      expect(buttonsOf(lastCall(STAFF)).map((button) => button.data)).toEqual(["m:admin.kyc", "m:admin.stats"]);
      const menu = h.fake
        .sent("setMyCommands")
        .find((call) => JSON.stringify(call.payload.scope) === JSON.stringify({ type: "chat", chat_id: STAFF.id }));
      expect(
        (menu?.payload.commands as Array<{ command: string; description: string }>).map((command) => command.command),
      ).toEqual([
        "start",
        "menu",
        "help",
        "myreferrals",
        "wallet",
        "language",
        "support",
        "privacy",
        "admin",
        "kyc",
        "stats",
      ]);
      expect(JSON.stringify(menu?.payload.commands)).toContain("စာရင်းအင်းများ");
      await h.post(tgText(STAFF, "/audit"));
      expect(lastTo(STAFF)).toBe("တောင်းပန်ပါတယ်၊ နားမလည်ပါ။ မီနူးထဲက ရွေးပါ၊ ဒါမှမဟုတ် အကူအညီကို နှိပ်ပါ။");

      await h.post(tgText(OWNER, `/revoke ${staffId} reviewer`));
      expect(lastTo(OWNER)).toBe(`${staffId} is no longer reviewer.`);
      h.fake.clear();
      await h.post(tgText(STAFF, "/admin"));
      expect(lastTo(STAFF)).toContain("နားမလည်ပါ");
      expect(h.fake.sent("deleteMyCommands")[0]?.payload.scope).toEqual({ type: "chat", chat_id: STAFF.id });
    },
  );

  it("checks the role for every admin command: nothing exists for no role, a reviewer gets only stats", async () => {
    const commands = [
      "/admin",
      "/stats",
      "/user U2345678",
      "/audit",
      "/grant U2345678 admin",
      "/revoke U2345678 admin",
      "/broadcast",
      "/recruit",
      "/job JD22222",
    ];
    for (const command of commands) {
      await h.post(tgText(NOBODY, command));
      expect(lastTo(NOBODY), command).toBe(UNKNOWN);
    }
    const staffId = await publicId(STAFF);
    await h.post(tgText(OWNER, `/grant ${staffId} reviewer`));
    const allowed = new Set(["/admin", "/stats"]);
    for (const command of commands) {
      await h.post(tgText(STAFF, command));
      if (allowed.has(command)) expect(lastTo(STAFF), command).not.toContain("နားမလည်ပါ");
      else expect(lastTo(STAFF), command).toContain("နားမလည်ပါ");
    }
    await h.post(tgText(OWNER, `/revoke ${staffId} reviewer`));
    for (const command of commands) {
      await h.post(tgText(STAFF, command));
      expect(lastTo(STAFF), `${command} after revoke`).toContain("နားမလည်ပါ");
    }
  });

  it("explains bad arguments and refuses to remove the last owner", async () => {
    await h.post(tgText(OWNER, "/grant someone"));
    expect(lastTo(OWNER)).toBe("Usage: /grant <public id> <role>, for example /grant U2345678 reviewer");
    await h.post(tgText(OWNER, "/grant U2345678 admin"));
    expect(lastTo(OWNER)).toBe("No user with the public id U2345678.");
    await h.post(tgText(OWNER, `/revoke ${await publicId(OWNER)} owner`));
    expect(lastTo(OWNER)).toBe("The last owner cannot be removed. Make someone else owner first.");
  });
});

describe("audit log", () => {
  it(
    "records who, role, channel, action, target and " + "before/after for every change, and shows it with filters",
    async () => {
      const staffId = await publicId(STAFF);
      const ownerId = await publicId(OWNER);
      const grants = await auditModel(h.t.runtime.mongo).find({ target: staffId }).sort({ at: 1 }).lean();
      expect(grants.map((entry) => entry.action)).toEqual(["role.grant", "role.revoke", "role.grant", "role.revoke"]);
      expect(grants[0]).toMatchObject({
        actorId: ownerId,
        actorRole: "owner",
        channel: "tg",
        before: { roles: [] },
        after: { roles: ["reviewer"] },
      });

      await h.post(tgText(OWNER, `/audit target ${staffId}`));
      const shown = lastTo(OWNER);
      expect(shown).toContain("Audit log, newest first (Yangon time):");
      expect(shown).toMatch(
        new RegExp(`\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d · ${ownerId} \\(owner\\) · role.revoke → ${staffId}`),
      );
      expect(shown.indexOf("role.revoke")).toBeLessThan(shown.indexOf("role.grant"));
      await h.post(tgText(OWNER, `/audit by ${staffId}`));
      expect(lastTo(OWNER)).toContain("No entries.");
      // Reading the log is a sensitive read, so it is audited too.
      expect(await auditModel(h.t.runtime.mongo).countDocuments({ action: "audit.view", actorId: ownerId })).toBe(2);
    },
  );
});

describe("roles inside an open flow", () => {
  it("are checked at every step: a role revoked in the middle of a flow ends it with the unknown answer", async () => {
    const recruiterId = await publicId(RECRUITER);
    await h.post(tgText(OWNER, `/grant ${recruiterId} recruiter`));
    await h.post(tgText(RECRUITER, "/recruit"));
    await h.post(tgButton(RECRUITER, "m:addjob"));
    const conversation = async () => h.t.core.conversations.load(`tg:${RECRUITER.id}`);
    expect((await conversation())?.flow).toBe("addjob");

    await h.post(tgText(OWNER, `/revoke ${recruiterId} recruiter`));
    await h.post(tgText(RECRUITER, "Shwe Taung Construction"));
    expect(lastTo(RECRUITER)).toBe(UNKNOWN);
    expect((await conversation())?.flow).toBeNull();
    const jobs = await h.t.runtime.mongo.collection("jobs").countDocuments({ createdBy: recruiterId });
    expect(jobs).toBe(0);
  });
});
