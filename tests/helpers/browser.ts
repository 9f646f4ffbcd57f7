import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, never a downloaded one (CI's .ci/run installs it). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(process.cwd(), 'test-artifacts', 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(join(process.cwd(), 'dist/client/index.html'))) {
    throw new Error('dist/client is missing: run `npm run build` first (npm test does)');
  }
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium fonts-dejavu-core`);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
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

export const unexpectedDialogs: string[] = [];
export const pageErrors: string[] = [];

export const PHONE = { width: 360, height: 740 } as const;
export const LAPTOP = { width: 1280, height: 860 } as const;
export const PROJECTOR = { width: 1920, height: 1080 } as const;

/** A fresh browser profile (own localStorage), like another person's device. */
export async function newPage(
  browser: Browser,
  baseURL: string,
  viewport: { width: number; height: number },
  storageState?: Awaited<ReturnType<BrowserContext['storageState']>>,
): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport, storageState, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const page = await context.newPage();
  // Fail fast with Playwright's own message (which names the locator) before the test timeout.
  page.setDefaultTimeout(10_000);
  // Any dialog other than our own confirm() would mean injected script ran: record it for the test to assert.
  page.on('dialog', (d) => {
    if (d.type() !== 'confirm') unexpectedDialogs.push(`${d.type()}: ${d.message()}`);
    void d.accept();
  });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return page;
}

export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage });
}

/** Signs a staff member in through the login page, as a person does, and waits for the sessions list. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('heading', { name: 'Các hội nghị' }).waitFor();
}
