import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChannelSenders } from "../../bots/channels/senders.ts";
import { mediaModel } from "../../core/files/media-vault.ts";
import { ticketModels } from "../../core/support/ticket-models.ts";
import { userModels } from "../../core/users/user-model.ts";
import { attachWorkers } from "../../jobs/runtime/create-runtime.ts";
import { samplePng } from "../../webhooks/sandbox-page/sample-images.ts";
import type { TgUser } from "../fakes/telegram-updates.ts";
import type { VbUser } from "../fakes/viber-events.ts";
import { telegramScreen, viberScreen, type Screen } from "../helpers/screens.ts";
import { viberHarness, type ViberHarness } from "../helpers/viber-harness.ts";
import { waitFor } from "../helpers/wait-for.ts";

/**
 * The help desk as people and agents see it, on both channels and in both languages: a person opens a P2 ticket
 * with a photo, an agent on the other channel takes it (a second agent is told who has it), they exchange three
 * messages each way through the bot, the agent resolves it and the person rates it. Only what is on screen is pressed.
 */
let h: ViberHarness;
let nextId = 7_400_000;
const label = (language: "en" | "my", key: string) => h.t.bot.services.translator.t(language)(key);

function person(channel: "tg" | "vb", language: "en" | "my"): { screen: Screen; key: string } {
  const id = nextId++;
  if (channel === "tg") {
    const user: TgUser = { id, first_name: `P${id}`, language_code: language };
    return { screen: telegramScreen(h, user), key: `tg:${id}` };
  }
  const user: VbUser = { id: `desk${id}000000000A==`, name: `V${id}`, language };
  return { screen: viberScreen(h, user), key: `vb:${user.id}` };
}

async function onboard(screen: Screen, language: "en" | "my"): Promise<void> {
  if (screen.channel === "tg") await screen.open();
  else await screen.type("hi");
  if (screen.buttons().some((text) => /English|မြန်မာ/.test(text)))
    await screen.press(language === "en" ? /^(✓ )?English/ : /^(✓ )?မြန်မာ/);
}

async function userIdOf(key: string): Promise<string> {
  return (await userModels(h.t.runtime.mongo).Identity.findById(key).lean())?.userId ?? "";
}

/** Waits until the screen's newest message contains `text` (relayed messages arrive through the worker). */
async function sees(screen: Screen, text: string): Promise<void> {
  await waitFor(() => screen.texts().some((shown) => shown.includes(text)), 15_000);
}

beforeAll(async () => {
  h = await viberHarness({ QUIET_HOURS: "off" });
  attachWorkers(h.t.runtime, h.t.core, createChannelSenders(h.t.runtime.config, h.t.runtime.redis));
});
afterAll(() => h.close());

describe.each([
  { who: "a Telegram person in English, a Viber agent in Burmese", p: ["tg", "en"], a: ["vb", "my"], b: ["tg", "en"] },
  { who: "a Viber person in Burmese, a Telegram agent in English", p: ["vb", "my"], a: ["tg", "en"], b: ["vb", "my"] },
] as const)("support desk: $who", ({ p, a, b }) => {
  it("opens a P2 ticket with a photo, exchanges three messages each way, resolves it, and is rated", async () => {
    const [pc, pl] = p;
    const [ac, al] = a;
    const me = person(pc, pl);
    const agent = person(ac, al);
    const other = person(b[0], b[1]);
    for (const [entry, language] of [
      [me, pl],
      [agent, al],
      [other, b[1]],
    ] as const)
      await onboard(entry.screen, language);
    for (const entry of [agent, other]) await h.t.core.users.setRoles(await userIdOf(entry.key), ["support"]);

    // The person: Help → Contact support → topic → message → photo → Send.
    await me.screen.press(label(pl, "common:menu.help"));
    await me.screen.press(label(pl, "support:menu"));
    await me.screen.press(label(pl, "support:topic.payment"));
    await me.screen.type("I asked for a withdrawal two days ago and nothing arrived in my KBZPay.");
    await me.screen.sendPhoto(samplePng(640, 480));
    expect(me.screen.lastText()).toContain(label(pl, "support:attached").slice(0, 10));
    await me.screen.press(label(pl, "support:send_now"));
    const opened = me.screen.lastText();
    expect(opened).toMatch(/T[0-9A-Z]{7}/);
    const ticketId = /T[0-9A-Z]{7}/.exec(opened)?.[0] ?? "";
    expect(opened).toContain("P2");
    expect(opened).toContain(label(pl, "support:sla.P2"));
    const ticket = await h.t.core.support.find(ticketId);
    expect(ticket).toMatchObject({ priority: "P2", topic: "payment", status: "open" });
    // Agents hear of a new P2 ticket at once (both notices are in before anyone reads a screen's newest message).
    await sees(agent.screen, ticketId);
    await sees(other.screen, ticketId);

    // Two agents open the card; the first takes it, the second is told who has it.
    await agent.screen.type("/tickets");
    expect(agent.screen.lastText()).toContain(ticketId);
    await agent.screen.press(`🎫 ${ticketId}`);
    await other.screen.type(`/ticket ${ticketId}`);
    await agent.screen.press(label(al, "support:take"));
    expect(agent.screen.texts().some((text) => text.includes(label(al, "support:taken").slice(0, 8)))).toBe(true);
    await other.screen.press(label(b[1], "support:take"));
    const agentId = await userIdOf(agent.key);
    expect(other.screen.lastText()).toContain(agentId);
    // The agent who took it got the person's photo in their chat only (a .png link on Viber, an upload on Telegram).
    const chat = agent.key.slice(3);
    const photoSent =
      ac === "vb"
        ? h.viber.calls.some(
            (call) =>
              call.payload.receiver === chat &&
              call.payload.type === "picture" &&
              /\.png$/.test(String(call.payload.media)),
          )
        : h.telegram.calls.some((call) => call.method === "sendPhoto" && String(call.payload.chat_id) === chat);
    expect(photoSent).toBe(true);

    // Three messages each way.
    for (let round = 1; round <= 3; round++) {
      await agent.screen.type(`/ticket ${ticketId}`);
      await agent.screen.press(label(al, "support:answer"));
      await agent.screen.type(`Agent message ${round}`);
      await sees(me.screen, `Agent message ${round}`);
      expect(me.screen.texts().find((text) => text.includes(`Agent message ${round}`))).toContain(ticketId);
      await me.screen.press(label(pl, "support:reply_button"));
      await me.screen.type(`Person message ${round}`);
      expect(me.screen.lastText()).toContain(ticketId);
      await sees(agent.screen, `Person message ${round}`);
    }

    // Resolve with a note; the person rates it.
    await agent.screen.type(`/ticket ${ticketId}`);
    await agent.screen.press(label(al, "support:resolve"));
    await agent.screen.type("Paid again to the right number.");
    await sees(me.screen, "Paid again to the right number.");
    await me.screen.press(label(pl, "support:rate_button"));
    await me.screen.press("⭐⭐⭐⭐");
    expect(me.screen.lastText()).toBe(label(pl, "support:rated"));

    const stored = await h.t.core.support.messages(ticketId, 50);
    expect(stored.map((message) => message.from)).toEqual([
      "person",
      "agent",
      "person",
      "agent",
      "person",
      "agent",
      "person",
    ]);
    expect(stored[0]?.mediaId).not.toBeNull();
    expect(await mediaModel(h.t.runtime.mongo).findById(stored[0]?.mediaId).lean()).toMatchObject({
      purpose: "support",
    });
    expect(await ticketModels(h.t.runtime.mongo).Ticket.findById(ticketId).lean()).toMatchObject({
      status: "resolved",
      rating: 4,
      agentId,
    });
  });
});
