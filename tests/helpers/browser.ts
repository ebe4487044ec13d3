import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

const CANDIDATES = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter(
  (value): value is string => value !== undefined && value !== "",
);

/**
 * Debian's Chromium, headless, with a fresh profile and every background
 * service off so it never reaches outside this machine.
 */
export async function launchBrowser(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const executablePath = CANDIDATES.find((candidate) => existsSync(candidate));
  if (executablePath === undefined)
    throw new Error("Chromium not found: apt-get install -y chromium (or set CHROMIUM_PATH)");
  const profile = mkdtempSync(path.join(os.tmpdir(), "trm-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
    viewport: { width: 420, height: 860 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
