import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';

/**
 * A real browser for the page tests: Debian's chromium (installed by `.ci/run`), headless, driven
 * by playwright-core (which downloads nothing). This machine has no internet, so the features that
 * phone home are off; `CHROMIUM_PATH` points elsewhere if needed.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Where page screenshots go: kept for a person to look at, never committed (.cache is ignored). */
export const SCREENSHOT_DIR = join(process.cwd(), '.cache', 'screenshots');

/** Saves a full-page screenshot as `.cache/screenshots/<name>.png` and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
