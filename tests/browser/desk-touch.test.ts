import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Question } from '../../shared/schemas/entities';
import { auth, createSession, createStaff, createTestApp, joinSession, type TestApp } from '../helpers/app';
import { launchBrowser, screenshot, signIn } from '../helpers/browser';

/** The moderator desk on a tablet: no keyboard help, and a rejection "for another reason" says which. */
describe('the moderator desk on a touch screen', { timeout: 60_000 }, () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('hides the keyboard help on touch, and asks for the words of an "other" rejection and stores them', async () => {
    const mod = await createStaff(t, 'moderator');
    const s = await createSession(t, 'live', { title: 'Đối thoại với hộ kinh doanh chợ Tam Cờ', moderation: 'pre' });
    const asker = await joinSession(t, s.code);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/sessions/${s.id}/questions`,
      headers: auth(asker.token),
      payload: { text: 'Tiền thuê ki-ốt chợ năm tới có tăng không?' },
    });
    const q = res.json() as Question;

    const context = await browser.newContext({
      baseURL: t.url,
      viewport: { width: 768, height: 1024 },
      hasTouch: true,
      isMobile: true,
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
    });
    const tablet = await context.newPage();
    tablet.setDefaultTimeout(10_000);
    await signIn(tablet, mod.user.username, `pw-${mod.user.username}-secret`);
    await tablet.goto(`/moderate/${s.id}`);
    await tablet.locator(`.items [data-question-id="${q.id}"]`).tap();
    // The keyboard shortcuts mean nothing on a tablet.
    expect(await tablet.locator('.keys-help').isVisible()).toBe(false);

    await tablet.getByLabel('Lý do không duyệt').selectOption('other');
    const words = tablet.getByPlaceholder('Lý do cụ thể (người hỏi sẽ đọc được)');
    await words.fill('Giá thuê do Ban quản lý chợ công bố vào tháng 12, mời anh chị theo dõi bảng tin chợ');
    await screenshot(tablet, '48-moderator-tablet-reject-other', false);
    await tablet.getByRole('button', { name: /Không duyệt/ }).tap();
    await expect
      .poll(() => t.db.$client.prepare('select status, reject_reason, reject_note from questions where id = ?').get(q.id))
      .toEqual({
        status: 'rejected',
        reject_reason: 'other',
        reject_note: 'Giá thuê do Ban quản lý chợ công bố vào tháng 12, mời anh chị theo dõi bảng tin chợ',
      });
    await context.close();

    // On a laptop with a mouse, the help is there.
    const laptop = await (await browser.newContext({ baseURL: t.url, viewport: { width: 1366, height: 768 }, locale: 'vi-VN' })).newPage();
    await signIn(laptop, mod.user.username, `pw-${mod.user.username}-secret`);
    await laptop.goto(`/moderate/${s.id}`);
    await laptop.locator('.keys-help').waitFor();
    await laptop.context().close();
  });
});
