import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext } from "playwright-core";
import { launchBrowser } from "../helpers/browser.ts";
import { buildTestApp, type TestApp } from "../helpers/test-runtime.ts";

let t: TestApp;
let url: string;
let browser: { context: BrowserContext; close: () => Promise<void> };

beforeAll(async () => {
  t = await buildTestApp();
  url = await t.app.listen({ host: "127.0.0.1", port: 0 });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("sandbox page in headless Chromium", () => {
  it("a Viber persona chooses Burmese and sees the main menu in Burmese", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${url}/sandbox`);
    await page.check('input[name="channel"][value="vb"]');
    await page.fill('input[name="id"]', "pwViber01==");
    await page.fill('input[name="name"]', "Hla Hla");
    await page.selectOption('select[name="language"]', "my");
    await page.click('[data-testid="open-chat"]');

    await page.getByText("TRM Jobs မှ ကြိုဆိုပါတယ် Hla Hla။").waitFor();
    await page.locator('[data-testid="viber-keyboard"] button', { hasText: "မြန်မာ" }).click();
    await page.getByText("ပြီးပါပြီ၊ မြန်မာလို ပြောပါမယ်။").waitFor();

    const keyboard = await page.locator('[data-testid="viber-keyboard"] button').allTextContents();
    expect(keyboard).toEqual([
      "🔎 အလုပ်ရှာရန်",
      "⭐ သိမ်းထားသော အလုပ်များ",
      "🔔 အလုပ်သတိပေးချက်များ",
      "📋 ညွှန်းထားတဲ့သူများ",
      "💰 ပိုက်ဆံအိတ်",
      "👥 သူငယ်ချင်းများ ဖိတ်ရန်",
      "🌳 ဖိတ်ထားတဲ့ ကွန်ရက်",
      "🏆 ထိပ်တန်းစာရင်း",
      "🪪 ကိုယ်ရေး အတည်ပြုရန်",
      "🔗 Telegram နှင့် Viber ချိတ်ရန်",
      "🌐 ဘာသာစကား",
      "💬 အကူအညီ ဆက်သွယ်ရန်",
      "❓ အကူအညီ",
    ]);
    await page.screenshot({ path: `${process.env.TRM_SCREENSHOT_DIR ?? "/tmp"}/sandbox-viber-my.png` });
    await page.close();
  });

  it("a Telegram persona gets inline buttons and an edited menu, in English", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${url}/sandbox`);
    await page.fill('input[name="id"]', "900000777");
    await page.fill('input[name="name"]', "Ann");
    await page.click('[data-testid="open-chat"]');
    await page.getByText("Welcome to TRM Jobs, Ann!", { exact: false }).waitFor();
    await page.locator(".inline button", { hasText: "English" }).click();
    await page.getByText("Done, I'll speak English.").waitFor();
    // The language picker message was edited into the confirmation, like Telegram does.
    expect(await page.locator('[data-testid="bot-message"]').count()).toBe(1);
    await page.locator(".inline button", { hasText: "👥 Invite friends" }).click();
    await page.getByText("Your invite code:", { exact: false }).waitFor();
    // Links in messages are links, as in the apps.
    const links = await page.locator('[data-testid="bot-message"] a[href^="https://t.me/"]').count();
    expect(links).toBeGreaterThan(0);
    // A message the API refuses (over 4,096 characters) is said to be refused, not "could not reach the server".
    expect(await page.locator("#text").getAttribute("maxlength")).toBe("4096");
    // Past the page's own limit (as an old page or a paste through devtools would be): the API refuses it.
    await page.evaluate('document.querySelector("#text").removeAttribute("maxlength")');
    await page.fill("#text", "x".repeat(5000));
    await page.press("#text", "Enter");
    await page.getByText("The bot did not take that message", { exact: false }).waitFor();
    expect(await page.locator("#status").textContent()).toBe(
      "The bot did not take that message (at most 4,096 characters, and only what the apps can send).",
    );
    await page.screenshot({ path: `${process.env.TRM_SCREENSHOT_DIR ?? "/tmp"}/sandbox-telegram-en.png` });
    await page.close();
  });
});
