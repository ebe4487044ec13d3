import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChannelSenders } from "../../bots/channels/senders.ts";
import { auditModel } from "../../core/admin/audit-log.ts";
import { broadcastModel } from "../../core/broadcasts/broadcast-service.ts";
import { attachWorkers } from "../../jobs/runtime/create-runtime.ts";
import { buttonsOf } from "../fakes/fake-telegram-api.ts";
import { tgButton, tgText, type TgUser } from "../fakes/telegram-updates.ts";
import { seedUsers } from "../helpers/seed-users.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { viberHarness, type ViberHarness } from "../helpers/viber-harness.ts";

const OWNER: TgUser = { id: 8_100_001, first_name: "Owner", language_code: "en" };
let h: ViberHarness;
let seeded: Awaited<ReturnType<typeof seedUsers>>;
const lastCall = () =>
  h.telegram.calls
    .filter(
      (call) =>
        String(call.payload.chat_id) === String(OWNER.id) && /^(sendMessage|editMessageText)$/.test(call.method),
    )
    .at(-1);
const lastText = () => {
  const value = lastCall()?.payload.text;
  return typeof value === "string" ? value : "";
};
const press = async (label: string) => {
  const data = buttonsOf(lastCall()).find((button) => button.text === label)?.data;
  if (data === undefined) throw new Error(`no button "${label}" in: ${lastText()}`);
  await h.postTelegram(tgButton(OWNER, data));
};

beforeAll(async () => {
  h = await viberHarness({
    ADMIN_TELEGRAM_IDS: String(OWNER.id),
    QUIET_HOURS: "off",
    NOTIFY_TELEGRAM_CHAT_INTERVAL_MS: "0",
  });
  attachWorkers(h.t.runtime, h.t.core, createChannelSenders(h.t.runtime.config, h.t.runtime.redis));
  await h.postTelegram(tgText(OWNER, "/start"));
  await h.postTelegram(tgButton(OWNER, "m:lang.en"));
  seeded = await seedUsers(h.t.runtime.mongo, { count: 40, idPrefix: "F", tgBase: 8_200_000, blockedEvery: 10 });
});
afterAll(() => h.close());

describe("broadcast flow", () => {
  it("composes, previews with the count and the Viber warning, and sends once to every reachable person", async () => {
    await h.postTelegram(tgText(OWNER, "/broadcast"));
    expect(lastText()).toBe("New broadcast. Send the message in English:");
    await h.postTelegram(tgText(OWNER, "New jobs in Yangon this week!"));
    await h.postTelegram(tgText(OWNER, "ဒီအပတ် ရန်ကုန်မှာ အလုပ်သစ်တွေ ရှိပါတယ်!"));
    await h.postTelegram(tgText(OWNER, "not a link"));
    expect(lastText()).toContain("Please send an https link");
    await press("⏭️ Skip");
    expect(lastText()).toBe("Who should get it?");
    await press("Everyone");
    const preview = lastText();
    // 40 seeded (the 4 blocked ones are all on Viber: 20 Telegram, 16 Viber) + the owner.
    expect(preview).toContain("— English —\nNew jobs in Yangon this week!");
    expect(preview).toContain("— Burmese —\nဒီအပတ် ရန်ကုန်မှာ အလုပ်သစ်တွေ ရှိပါတယ်!");
    expect(preview).toContain("Recipients: 37 (Everyone). Not reachable, skipped: 4.");
    expect(preview).toContain(
      "⚠️ 16 of them are on Viber. Viber bills messages sent outside a person's 24-hour window.",
    );
    await press("📣 Send now");
    const id = /Broadcast (B[0-9A-F]{10}) started/.exec(lastText())?.[1] ?? "";
    expect(id).not.toBe("");

    await waitFor(async () => (await broadcastModel(h.t.runtime.mongo).findById(id).lean())?.status === "done");
    await waitFor(() => h.telegram.textsTo(OWNER.id).some((value) => value.startsWith(`✅ Broadcast ${id} finished`)));
    expect(h.telegram.textsTo(OWNER.id).find((value) => value.startsWith(`✅ Broadcast ${id}`))).toBe(
      `✅ Broadcast ${id} finished: 37 of the 37 people it could reach got it (failed 0, uncertain 0). ` +
        "4 more could not be reached and were skipped.",
    );

    for (const identity of seeded.identities) {
      const user = seeded.users.find((candidate) => candidate._id === identity.userId);
      const expected = user?.language === "my" ? "ဒီအပတ် ရန်ကုန်မှာ အလုပ်သစ်တွေ ရှိပါတယ်!" : "New jobs in Yangon this week!";
      const got =
        identity.channel === "tg"
          ? h.telegram.textsTo(identity.externalId).filter((value) => value === expected).length
          : h.viber.calls.filter(
              (call) =>
                call.method === "broadcast_message" &&
                (call.payload.broadcast_list as string[]).includes(identity.externalId) &&
                call.payload.text === expected,
            ).length;
      expect(got, `${identity._id} (${identity.reachable ? "reachable" : "blocked"})`).toBe(identity.reachable ? 1 : 0);
    }
    expect(await auditModel(h.t.runtime.mongo).countDocuments({ action: "broadcast.start", target: id })).toBe(1);
  });

  it("can be cancelled", async () => {
    await h.t.runtime.queues.get("broadcast").pause();
    await h.postTelegram(tgText(OWNER, "/broadcast"));
    await h.postTelegram(tgText(OWNER, "Second"));
    await h.postTelegram(tgText(OWNER, "ဒုတိယ"));
    await press("⏭️ Skip");
    await press("Telegram users");
    await press("📣 Send now");
    const id = /Broadcast (B[0-9A-F]{10}) started/.exec(lastText())?.[1] ?? "";
    await h.postTelegram(tgText(OWNER, `/broadcast cancel ${id}`));
    expect(lastText()).toBe(`Broadcast ${id} will stop after the messages already on their way.`);
    await h.t.runtime.queues.get("broadcast").resume();
    await waitFor(() => h.telegram.textsTo(OWNER.id).some((value) => value.startsWith(`⏹️ Broadcast ${id} cancelled`)));
    expect(
      h.telegram.calls.filter((call) => call.method === "sendMessage" && call.payload.text === "Second"),
    ).toHaveLength(0);
    await h.postTelegram(tgText(OWNER, `/broadcast cancel ${id}`));
    expect(lastText()).toBe(`No running broadcast with the id ${id}.`);
  });
});
