import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser';
import { ADMIN_PASSWORD, api, freePort, liveSession, startServer, stopServer, tempDataDir, type ServerProcess } from './lib/server';

/**
 * The client must work under the server's real content security policy
 * (helmet, script-src 'self'): the production server as a child process,
 * headless Chromium, every violation the browser reports collected.
 */
describe('the client under the content security policy', () => {
  const data = tempDataDir();
  let server: ServerProcess;
  let browser: Browser;
  let session: { sessionId: number; code: string; adminToken: string };
  const violations: string[] = [];
  const errors: string[] = [];
  const dialogs: string[] = [];

  const open = async (viewport: { width: number; height: number }): Promise<Page> => {
    const context = await browser.newContext({ baseURL: server.url, viewport, locale: 'vi-VN' });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`);
      });
    });
    page.on('console', (m) => {
      if (/content security policy|CSP violation/i.test(m.text())) violations.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    return page;
  };

  beforeAll(async () => {
    server = await startServer(data.dir, await freePort());
    session = await liveSession(server.url);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    if (server) await stopServer(server);
    data.remove();
  });

  it('serves every page with the CSP, and a citizen joins, asks and sees markup as text without a violation', async () => {
    const phone = await open({ width: 360, height: 740 });
    const landing = await phone.goto('/');
    expect(landing?.headers()['content-security-policy']).toContain("script-src 'self'");
    await phone.goto(`/j/${session.code}`);
    await phone.getByRole('button', { name: 'Vào hội nghị' }).click();
    const text = '<img src=x onerror=alert(1)><script>alert(2)</script> Khi nào sửa cầu treo?';
    await phone.getByLabel('Câu hỏi của bạn').fill(text);
    await phone.getByRole('button', { name: 'Gửi câu hỏi' }).click();
    // The live queue arrives over the socket (connect-src) and shows the text literally.
    const card = phone.locator('article[data-question-id]').first();
    await card.waitFor();
    expect(await card.locator('.text').innerText()).toBe(text);

    const projector = await open({ width: 1920, height: 1080 });
    await projector.goto(`/display/${session.sessionId}`);
    await projector.waitForLoadState('networkidle');

    const staff = await open({ width: 1280, height: 860 });
    await staff.goto('/login');
    await staff.getByLabel('Tên đăng nhập').fill('admin');
    await staff.getByLabel('Mật khẩu').fill(ADMIN_PASSWORD);
    await staff.getByRole('button', { name: 'Đăng nhập' }).click();
    await staff.getByRole('heading', { name: 'Các hội nghị' }).waitFor();
    await staff.goto(`/moderate/${session.sessionId}`);
    await staff.getByText('Đối thoại kiểm thử độ bền').first().waitFor();
    await staff.waitForLoadState('networkidle');

    const tracked = await api<{ trackingCode: string }[]>(server.url, 'GET', `/api/sessions/${session.sessionId}/questions`, undefined, session.adminToken);
    const track = await open({ width: 360, height: 740 });
    await track.goto(`/track/${tracked.body[0]!.trackingCode}`);
    await track.waitForLoadState('networkidle');

    console.log(`[csp] pages checked: landing, join, participant, display, login, moderator, track; violations ${violations.length}, page errors ${errors.length}, dialogs ${dialogs.length}`);
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
    expect(dialogs).toEqual([]);
  });

  it('lets the API docs page run under the same policy', async () => {
    const page = await open({ width: 1280, height: 860 });
    const before = violations.length;
    await page.goto('/api/docs');
    await page.locator('.swagger-ui .opblock').first().waitFor();
    expect(violations.slice(before)).toEqual([]);
  });

  it('does enforce it: an injected inline script is blocked and reported (so the empty lists above mean something)', async () => {
    const page = await open({ width: 360, height: 740 });
    await page.goto('/');
    const before = violations.length;
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__ran = true';
      document.body.appendChild(s);
    });
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __ran?: boolean }).__ran)).toBeUndefined();
    expect(violations.length).toBeGreaterThan(before);
    violations.length = before;
  });
});
