import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/schemas/entities';
import { auth, createSession, createTestApp, joinSession, type TestApp } from '../helpers/app';
import { launchBrowser, newPage, PHONE } from '../helpers/browser';

/** A busy hall: more questions than a phone should draw at once. */
describe('the participant queue of a busy session', { timeout: 60_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let session: Session;
  const TOTAL = 95;

  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
    session = await createSession(t, 'live', { moderation: 'post', title: 'Đối thoại với doanh nghiệp năm 2026' });
    // Five questions per person stay within the per-participant burst.
    for (let i = 0; i < TOTAL; i += 5) {
      const p = await joinSession(t, session.code);
      for (let k = i; k < Math.min(TOTAL, i + 5); k++) {
        const res = await t.app.inject({
          method: 'POST',
          url: `/api/sessions/${session.id}/questions`,
          headers: auth(p.token),
          payload: { text: `Câu hỏi số ${k + 1} về thủ tục đầu tư`, clientId: `q-${k}` },
        });
        expect(res.statusCode).toBe(200);
      }
    }
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('draws the first 40, then 40 more and the rest on request, newest first under Recent', async () => {
    const page = await newPage(browser, t.url, PHONE);
    await page.goto(`/j/${session.code}`);
    await page.getByRole('button', { name: 'Vào hội nghị' }).click();
    await page.getByRole('heading', { name: session.title }).waitFor();
    await page.getByRole('tab', { name: 'Mới nhất' }).click();

    const cards = page.locator('article[data-question-id]');
    await page.getByText(`Câu hỏi số ${TOTAL} về thủ tục đầu tư`).waitFor();
    expect(await cards.count()).toBe(40);
    await page.getByRole('button', { name: `Xem thêm (${TOTAL - 40} câu)` }).click();
    await expect.poll(() => cards.count()).toBe(80);
    await page.getByRole('button', { name: `Xem thêm (${TOTAL - 80} câu)` }).click();
    await expect.poll(() => cards.count()).toBe(TOTAL);
    expect(await page.getByRole('button', { name: /Xem thêm/ }).count()).toBe(0);
    // Newest first: the last one asked is on top, the first one at the bottom.
    await expect.poll(() => cards.first().innerText()).toContain(`Câu hỏi số ${TOTAL} về`);
    expect(await cards.last().innerText()).toContain('Câu hỏi số 1 về');

    // A question asked meanwhile arrives live without losing the place.
    const late = await joinSession(t, session.code);
    await t.app.inject({
      method: 'POST',
      url: `/api/sessions/${session.id}/questions`,
      headers: auth(late.token),
      payload: { text: 'Câu hỏi đến muộn về đất đai' },
    });
    await expect.poll(() => cards.count()).toBe(TOTAL + 1);
    expect(await cards.first().innerText()).toContain('Câu hỏi đến muộn về đất đai');
    await page.context().close();
  });
});
