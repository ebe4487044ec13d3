import { buttonsOf } from "../fakes/fake-telegram-api.ts";
import { keyboardOf } from "../fakes/fake-viber-api.ts";
import { tgButton, tgPhoto, tgText, type TgUser } from "../fakes/telegram-updates.ts";
import { vbConversationStarted, vbPicture, vbText, type VbUser } from "../fakes/viber-events.ts";
import { textPairs } from "../myanmar/corpora.ts";
import type { ViberHarness } from "../helpers/viber-harness.ts";

/**
 * A label-blind walk through the bot as people use it: it taps whatever is on screen, sometimes types (Burmese,
 * Zawgyi and Unicode lines from google/myanmar-tools' corpora, Burmese digits, NRCs, phones, long text, commands) or
 * sends a photo, and counts per turn what a person must never see.
 */
export interface CrawlCounts {
  turns: number;
  apologies: number;
  hiddenButtons: number;
  staleOnNewest: number;
  rawKeys: number;
  silent: number;
  invalidViberKeyboards: number;
  serverErrors: number;
}

/** What a crawl must end with: none of the things a person must never see. */
export const NOTHING_SEEN: Readonly<Omit<CrawlCounts, "turns">> = Object.freeze({
  apologies: 0,
  hiddenButtons: 0,
  staleOnNewest: 0,
  rawKeys: 0,
  silent: 0,
  invalidViberKeyboards: 0,
  serverErrors: 0,
});

export interface CrawlReport {
  persona: string;
  counts: CrawlCounts;
  latenciesMs: number[];
  /** The first few problems, with what was done and what was seen, to start a fix from. */
  examples: string[];
}

export interface Persona {
  name: string;
  channel: "tg" | "vb";
  language: "en" | "my";
  tg?: TgUser;
  vb?: VbUser;
}

/** mulberry32: small, seeded, the same walk for the same seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMMANDS = ["/start", "/menu", "/help", "/wallet", "/withdraw", "/verify", "/myreferrals", "/jobs", "/saved"];
const OWNER_COMMANDS = ["/admin", "/referrals", "/stats", "/users", "/payouts", "/invoices", "/kyc", "/audit"];
const FIXED = [
  "driver",
  "ယာဉ်မောင်း",
  "help",
  "အကူအညီ",
  "၀၉ ၄၂၀ ၁၂၃ ၄၅၆",
  "09420123456",
  "+959 7812 34567",
  "၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆",
  "12/OUKAMA(N)123456",
  "31-12-1990",
  "၁၅-၀၆-၁၉၉၂",
  "50000",
  "၅၀,၀၀၀",
  "Ko Zaw Min",
  "👍",
  "ok",
  "yes",
];
const LONG = "က".repeat(5000);

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

/** A raw i18next key on screen, such as `jobs:menu_find` or `common:nav.back`. */
const RAW_KEY = /(?:^|\s)[a-z]+:[a-z_]+(?:\.[a-z_]+)*(?:\s|$)/;

export async function crawl(
  h: ViberHarness,
  persona: Persona,
  steps: number,
  seed: number,
  apologies: string[],
  staleTexts: string[],
): Promise<CrawlReport> {
  const random = seededRandom(seed);
  const corpus = textPairs();
  const counts: CrawlCounts = { turns: 0, ...NOTHING_SEEN };
  const latenciesMs: number[] = [];
  const examples: string[] = [];
  const note = (what: string, did: string, seen: string) => {
    if (examples.length < 8) examples.push(`${persona.name} · ${what} · did: ${did} · saw: ${seen.slice(0, 160)}`);
  };

  const tgCalls = () =>
    h.telegram.calls.filter((call) => String(call.payload.chat_id) === String(persona.tg?.id ?? ""));
  const vbCalls = () =>
    h.viber.calls.filter((call) => call.method === "send_message" && call.payload.receiver === persona.vb?.id);
  const callbackAnswers = () => h.telegram.calls.filter((call) => call.method === "answerCallbackQuery");

  /** Does one thing and measures the turn it causes. */
  const turn = async (did: string, run: () => Promise<number>, pressedNewest = false): Promise<void> => {
    const tgBefore = tgCalls().length;
    const vbBefore = vbCalls().length;
    const welcomesBefore = h.welcomes.length;
    const answersBefore = callbackAnswers().length;
    const started = performance.now();
    const status = await run();
    latenciesMs.push(performance.now() - started);
    counts.turns++;
    if (status >= 500) {
      counts.serverErrors++;
      note("5xx", did, String(status));
    }
    const texts: string[] = [];
    const labels: string[] = [];
    if (persona.channel === "tg") {
      const sent = tgCalls()
        .slice(tgBefore)
        .filter((call) => call.status === 200 && /^(sendMessage|editMessageText|sendPhoto)$/.test(call.method));
      for (const call of sent) {
        const { text, caption } = call.payload;
        texts.push(typeof text === "string" ? text : typeof caption === "string" ? caption : "");
        labels.push(...buttonsOf(call).map((button) => button.text));
      }
      const toast = callbackAnswers()
        .slice(answersBefore)
        .map((call) => call.payload.text)
        .find((value) => typeof value === "string");
      if (sent.length === 0 && toast === undefined) {
        counts.silent++;
        note("silence", did, "");
      }
      if (pressedNewest && typeof toast === "string" && staleTexts.includes(toast)) {
        counts.staleOnNewest++;
        note("stale on newest", did, toast);
      }
    } else {
      const bodies = [
        ...h.welcomes.slice(welcomesBefore).map((welcome) => welcome.body),
        ...vbCalls()
          .slice(vbBefore)
          .filter((call) => call.status === 200)
          .map((call) => call.payload),
      ];
      for (const body of bodies) {
        texts.push(typeof body.text === "string" ? body.text : "");
        labels.push(...keyboardOf(body).map((button) => button.text));
        if (!validViberKeyboard(body)) {
          counts.invalidViberKeyboards++;
          note("invalid keyboard", did, JSON.stringify(body.keyboard).slice(0, 160));
        }
      }
      const refused = vbCalls()
        .slice(vbBefore)
        .filter((call) => call.status !== 200);
      if (refused.length > 0) {
        counts.invalidViberKeyboards += refused.length;
        note("Viber refused a send", did, JSON.stringify(refused[0]?.payload).slice(0, 160));
      }
      // Earlier messages of the turn whose buttons the last keyboard does not carry: hidden from the person.
      const last = new Set(keyboardOf(bodies.at(-1)).map((button) => button.body));
      const hidden = bodies
        .slice(0, -1)
        .flatMap((body) => keyboardOf(body))
        .filter((button) => !last.has(button.body));
      if (hidden.length > 0) {
        counts.hiddenButtons++;
        note("hidden buttons", did, hidden.map((button) => button.text).join(", "));
      }
      if (bodies.length === 0) {
        counts.silent++;
        note("silence", did, "");
      }
      if (pressedNewest && texts.some((text) => staleTexts.some((stale) => text.startsWith(stale)))) {
        counts.staleOnNewest++;
        note("stale on newest", did, texts.join(" | "));
      }
    }
    if (texts.some((text) => apologies.includes(text.split("\n")[0] ?? ""))) {
      counts.apologies++;
      note("apology", did, texts.join(" | "));
    }
    const raw = [...texts, ...labels].find((text) => RAW_KEY.test(text));
    if (raw !== undefined) {
      counts.rawKeys++;
      note("raw key", did, raw);
    }
  };

  const post = {
    tgText: (text: string) => h.postTelegram(tgText(persona.tg as TgUser, text)),
    vbText: async (text: string) => (await h.post(vbText(persona.vb as VbUser, text))).status,
  };
  const typeText = (text: string) => (persona.channel === "tg" ? post.tgText(text) : post.vbText(text));

  // First contact.
  await turn("open", async () =>
    persona.channel === "tg"
      ? post.tgText("/start")
      : (await h.post(vbConversationStarted(persona.vb as VbUser))).status,
  );

  for (let i = 1; i < steps; i++) {
    const roll = random();
    if (roll < 0.7) {
      if (persona.channel === "tg") {
        const messages = h.telegram.chat(persona.tg?.id ?? 0);
        const withButtons = messages.filter((message) => pressable(message.markup).length > 0);
        const newest = withButtons.at(-1);
        const target = random() < 0.85 || withButtons.length < 2 ? newest : pick(random, withButtons);
        const buttons = target === undefined ? [] : pressable(target.markup);
        if (target === undefined || buttons.length === 0) {
          await turn("type /menu", () => post.tgText("/menu"));
          continue;
        }
        const button = pick(random, buttons);
        const isNewest = target.id === messages.at(-1)?.id;
        await turn(
          `press "${button.text}"`,
          () => h.postTelegram(tgButton(persona.tg as TgUser, button.data, target.id)),
          isNewest,
        );
      } else {
        const lastBody = [
          ...h.welcomes.filter((welcome) => welcome.receiver === persona.vb?.id),
          ...vbCalls()
            .filter((call) => call.status === 200)
            .map((call) => ({ at: call.at, body: call.payload })),
        ]
          .sort((a, b) => a.at - b.at)
          .at(-1)?.body;
        const buttons = keyboardOf(lastBody).filter((button) => button.type === "reply");
        if (buttons.length === 0) {
          await turn("type /menu", () => post.vbText("/menu"));
          continue;
        }
        const button = pick(random, buttons);
        await turn(`press "${button.text}"`, () => post.vbText(button.body), true);
      }
    } else if (roll < 0.95) {
      const kind = random();
      const text =
        kind < 0.35
          ? pick(random, random() < 0.5 ? corpus.map((pair) => pair.zawgyi) : corpus.map((pair) => pair.unicode)).slice(
              0,
              300,
            )
          : kind < 0.7
            ? pick(random, FIXED)
            : kind < 0.75
              ? LONG
              : pick(random, persona.name.includes("owner") ? [...COMMANDS, ...OWNER_COMMANDS] : COMMANDS);
      await turn(`type "${text.slice(0, 40)}"`, () => typeText(text));
    } else {
      await turn("send a photo", async () =>
        persona.channel === "tg"
          ? h.postTelegram(tgPhoto(persona.tg as TgUser))
          : (await h.post(vbPicture(persona.vb as VbUser))).status,
      );
    }
  }
  return { persona: persona.name, counts, latenciesMs, examples };
}

/** The callback buttons of a Telegram message's inline keyboard. */
function pressable(markup: Record<string, unknown> | undefined): Array<{ text: string; data: string }> {
  const rows = (markup?.inline_keyboard as Array<Array<{ text: string; callback_data?: string }>> | undefined) ?? [];
  return rows
    .flat()
    .filter((button) => button.callback_data !== undefined)
    .map((button) => ({ text: button.text, data: button.callback_data ?? "" }));
}

/** What Viber accepts: at most 24 buttons, each 1–6 columns wide with a text, rows adding up to 6 columns. */
function validViberKeyboard(body: Record<string, unknown>): boolean {
  const keyboard = body.keyboard as { Buttons?: Array<{ Columns?: number; Text?: string }> } | undefined;
  if (keyboard === undefined) return true;
  const buttons = keyboard.Buttons ?? [];
  if (buttons.length === 0 || buttons.length > 24) return false;
  let row = 0;
  for (const button of buttons) {
    const columns = button.Columns ?? 6;
    if (columns < 1 || columns > 6 || (button.Text ?? "").trim() === "") return false;
    row += columns;
    if (row > 6) return false;
    if (row === 6) row = 0;
  }
  return row === 0;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Prints one line per persona (counts, p50/p95 per turn), then the first problems seen; answers the totals. */
export function printReports(reports: CrawlReport[], steps: number, seed: number): Omit<CrawlCounts, "turns"> {
  const lines = reports.map(
    ({ persona, counts, latenciesMs }) =>
      `${persona.padEnd(12)} turns ${counts.turns} · apologies ${counts.apologies} · hidden ${counts.hiddenButtons}` +
      ` · stale-newest ${counts.staleOnNewest} · raw-keys ${counts.rawKeys} · silent ${counts.silent}` +
      ` · bad-viber-kb ${counts.invalidViberKeyboards} · 5xx ${counts.serverErrors}` +
      ` · p50 ${percentile(latenciesMs, 50).toFixed(0)} ms · p95 ${percentile(latenciesMs, 95).toFixed(0)} ms`,
  );
  console.log(`crawl seed ${seed}, ${steps} steps per persona\n${lines.join("\n")}`);
  const examples = reports.flatMap((report) => report.examples);
  if (examples.length > 0) console.log(examples.join("\n"));
  const all = { ...NOTHING_SEEN };
  for (const { counts } of reports)
    for (const key of Object.keys(all) as Array<keyof typeof all>) all[key] += counts[key];
  return all;
}
