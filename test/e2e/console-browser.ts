import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { recordOutput } from '../support/output-recorder.js';
import { REPO } from './test-app.js';

// Headless Chromium for the console's browser tests: Debian's `chromium` package (Playwright's own
// browser download is not used), driven over the DevTools protocol by playwright-core.

export const CHROMIUM = process.env.XPORT_TEST_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
/** Where the tests leave a screenshot of each page (gitignored). */
export const SCREENSHOTS = join(REPO, 'test-output', 'console');

export async function launchChromium(): Promise<Browser> {
  await mkdir(SCREENSHOTS, { recursive: true });
  // No sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** A tab of its own (its own sessionStorage) on the console at `url`. */
export async function openTab(browser: Browser, url: string, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 720 }, colorScheme: 'light', timezoneId: 'Asia/Tokyo', acceptDownloads: true, baseURL: url, ...options });
  return context.newPage();
}

/** Saves a screenshot of the page, and hands what it shows to the leak check (no secret is ever rendered). */
export async function capture(page: Page, name: string): Promise<void> {
  recordOutput(`console page ${name}`, await page.locator('body').innerText());
  recordOutput(`console page ${name} (html)`, await page.content());
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}
