import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Question, Session } from '../../shared/schemas/entities';
import { ADMIN_PASSWORD, auth, createSession, createTestApp, joinSession, type TestApp } from '../helpers/app';
import { launchBrowser, newPage, pageErrors, PHONE, screenshot, signIn } from '../helpers/browser';

/**
 * Issue 14's points about the ask form, the network going away and the
 * moderator on a phone, as a person in the hall meets them at 360 px.
 */
describe('a phone in the hall (issue 14)', { timeout: 60_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let session: Session;
  const longName = 'Nguyễn Thị Phương Thảo Hoàng Lê Minh Châu '.repeat(4).slice(0, 120); // the longest a name may be

  const fitsWidth = async (page: Page, what: string) => {
    const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
    expect(scroll, `${what}: ${scroll}px wide on a ${width}px screen`).toBeLessThanOrEqual(width);
  };
  const ask = async (token: string, text: string): Promise<Question> =>
    (await t.app.inject({ method: 'POST', url: `/api/sessions/${session.id}/questions`, headers: auth(token), payload: { text } })).json() as Question;
  const votesOf = (id: number) => (t.db.$client.prepare('select count(*) as n from votes where question_id = ?').get(id) as { n: number }).n;

  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
    session = await createSession(t, 'live', { title: 'Đối thoại với nông dân xã Tân Trào', moderation: 'post', maxQuestionLength: 200 });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the ask form counts up to the limit and stops there, sends a run of blank lines as one, and drops the "sent" notice once the next question is typed', async () => {
    const page = await newPage(browser, t.url, PHONE);
    await page.goto(`/j/${session.code}`);
    await page.getByRole('button', { name: 'Vào hội nghị' }).click();
    const box = page.getByLabel('Câu hỏi của bạn');
    await page.getByText('0/200 ký tự').waitFor();
    // The browser itself stops at the limit: no "4.999/500".
    expect(await box.getAttribute('maxlength')).toBe('200');
    await box.fill('Đ'.repeat(260));
    expect((await box.inputValue()).length).toBe(200);
    await page.getByText('200/200 ký tự').waitFor();
    expect(await page.getByText(/dài quá/).count()).toBe(0);

    await box.fill('Xin hỏi hai việc:\n\n\n\n1. Giá phân bón?   \n\n\n2. Giống lúa mới?');
    await page.getByRole('button', { name: 'Gửi câu hỏi' }).click();
    const notice = page.getByRole('status').filter({ hasText: 'Mã tra cứu' });
    await notice.waitFor();
    const stored = t.db.$client.prepare('select text from questions where session_id = ? order by id desc limit 1').get(session.id) as { text: string };
    expect(stored.text).toBe('Xin hỏi hai việc:\n\n1. Giá phân bón?\n\n2. Giống lúa mới?');
    // The form is empty again, and the notice about the last question goes as soon as the next one is typed.
    expect(await box.inputValue()).toBe('');
    await box.pressSequentially('Đường');
    await notice.waitFor({ state: 'detached' });
    await fitsWidth(page, 'ask form');
    await page.context().close();
  });

  it('says at once that the network is gone, and sends a vote cast meanwhile once it is back', async () => {
    const other = await joinSession(t, session.code);
    const q = await ask(other.token, 'Bao giờ thôn Đồng Mán có nước sạch?');
    const page = await newPage(browser, t.url, PHONE);
    await page.goto(`/j/${session.code}`);
    await page.getByRole('button', { name: 'Vào hội nghị' }).click();
    const card = page.locator(`article[data-question-id="${q.id}"]`);
    await card.waitFor();
    await page.getByRole('status').filter({ hasText: 'Đã kết nối' }).waitFor();

    await page.context().setOffline(true);
    await page.getByRole('status').filter({ hasText: 'Không có mạng — sẽ tự kết nối lại' }).waitFor();
    // The open socket may outlive the emulated outage: drop it, as a real outage does.
    t.app.io.local.disconnectSockets(true);
    await card.getByRole('button', { name: 'Ủng hộ câu hỏi này' }).click();
    // Counted on the phone at once, not on the server yet.
    await card.getByRole('button', { name: 'Bỏ ủng hộ câu hỏi này' }).waitFor();
    await page.waitForTimeout(500);
    expect(votesOf(q.id)).toBe(0);
    await screenshot(page, '68-phone-offline-vote-360', false);

    await page.context().setOffline(false);
    await page.getByRole('status').filter({ hasText: 'Đã kết nối' }).waitFor();
    await expect.poll(() => votesOf(q.id), { timeout: 10_000 }).toBe(1);
    await card.getByRole('button', { name: 'Bỏ ủng hộ câu hỏi này' }).waitFor();
    await page.context().close();
  });

  it('a moderator on a phone reaches every button with a long name on screen, and a confirmation says what was done, does not move the list and goes', async () => {
    const asker = await joinSession(t, session.code, { displayName: longName, locality: longName });
    const long = await ask(asker.token, 'Đề nghị kiểm tra việc khai thác cát trái phép trên sông Lô, xe chở cát làm hỏng đường thôn.');
    const next = await ask(asker.token, 'Chợ trung tâm xã xuống cấp, bao giờ được xây mới?');
    const page = await newPage(browser, t.url, PHONE);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.goto(`/moderate/${session.id}`);
    await page.getByRole('tab', { name: /Đã duyệt/ }).click();
    await page.locator(`.items [data-question-id="${long.id}"]`).click();
    await page.getByText(longName).first().waitFor();
    await fitsWidth(page, 'moderator desk with a question selected');
    // Every control of the detail panel within the screen's width, the reject button first of all.
    const overflowing = await page.evaluate(() =>
      [...document.querySelectorAll('main button, main select, main input, main textarea')]
        .map((el) => ({ el, r: el.getBoundingClientRect() }))
        .filter(({ r }) => r.width > 0 && (r.left < 0 || r.right > window.innerWidth))
        .map(({ el, r }) => `${el.tagName} "${(el.textContent ?? '').trim() || el.getAttribute('id')}" ${Math.round(r.left)}–${Math.round(r.right)}`),
    );
    expect(overflowing).toEqual([]);
    const reject = page.getByRole('button', { name: /Không duyệt/ });
    await reject.scrollIntoViewIfNeeded();
    await screenshot(page, '69-moderator-phone-detail-360', false);

    // Where the queue starts on the page (not in the viewport: selecting a question may scroll).
    const listTop = () => page.locator('.items').evaluate((el) => el.getBoundingClientRect().top + window.scrollY);
    await page.getByLabel('Lý do không duyệt').selectOption('duplicate');
    const before = await listTop();
    await reject.click();
    const toast = page.getByRole('status').filter({ hasText: `Đã không duyệt câu #${long.number} — lý do: Trùng câu hỏi khác.` });
    await toast.waitFor();
    expect(await listTop()).toBe(before);
    // The next question starts from the usual reason, not the last one used.
    await page.locator(`.items [data-question-id="${next.id}"]`).click();
    expect(await page.getByLabel('Lý do không duyệt').inputValue()).toBe('off_topic');
    await toast.waitFor({ state: 'detached', timeout: 8_000 });
    expect(await listTop()).toBe(before);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });
});
