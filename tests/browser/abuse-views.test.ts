import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Question, Session } from '../../shared/schemas/entities';
import { auth, createSession, createStaff, createTestApp, joinSession, type TestApp } from '../helpers/app';
import { LAPTOP, launchBrowser, newPage, pageErrors, screenshot, signIn } from '../helpers/browser';

/** The moderator bans a vote stuffer from the desk; the admin sees what personal data is kept. */
describe('ban and personal data in the browser', { timeout: 60_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let session: Session;
  let stuffed: Question;
  let stuffer: { token: string; participantId: number };

  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
    session = await createSession(t, 'live', { title: 'Đối thoại với thanh niên xã Thái Bình', moderation: 'pre' });
    stuffer = await joinSession(t, session.code, { displayName: 'Kẻ bơm phiếu', contact: '0900 111 222' });
    const res = await t.app.inject({ method: 'POST', url: `/api/sessions/${session.id}/questions`, headers: auth(stuffer.token), payload: { text: 'Câu hỏi của người bơm phiếu' } });
    stuffed = res.json();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("bans the author of a question from the moderator's desk", async () => {
    const mod = await createStaff(t, 'moderator');
    const page = await newPage(browser, t.url, LAPTOP);
    await signIn(page, mod.user.username, `pw-${mod.user.username}-secret`);
    await page.goto(`/moderate/${session.id}`);
    await page.getByText('Câu hỏi của người bơm phiếu').first().click();
    await page.getByRole('button', { name: `Chặn người gửi (#${stuffer.participantId})` }).click();
    await page.getByLabel('Lý do chặn').fill('Bơm phiếu bằng nhiều tài khoản');
    await page.getByRole('button', { name: 'Chặn', exact: true }).click();
    await page.getByText('Đã chặn.').waitFor();
    await screenshot(page, 'moderator-ban');
    const row = t.db.$client.prepare('select banned_at, ban_reason from participants where id = ?').get(stuffer.participantId) as { banned_at: string | null; ban_reason: string };
    expect(row.banned_at).not.toBeNull();
    expect(row.ban_reason).toBe('Bơm phiếu bằng nhiều tài khoản');
    expect((t.db.$client.prepare('select status from questions where id = ?').get(stuffed.id) as { status: string }).status).toBe('rejected');
    const refused = await t.app.inject({ url: `/api/sessions/${session.id}/questions`, headers: auth(stuffer.token) });
    expect(refused.json().error.code).toBe('PARTICIPANT_BANNED');
    expect(pageErrors).toEqual([]);
  });

  it('shows the admin what each session keeps and until when', async () => {
    const page = await newPage(browser, t.url, LAPTOP);
    await signIn(page, 'admin', 'admin-test-password');
    await page.goto('/admin');
    await page.getByRole('tab', { name: 'Dữ liệu cá nhân' }).click();
    const row = page.getByRole('row', { name: /Đối thoại với thanh niên xã Thái Bình/ });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('90 ngày sau khi phiên kết thúc');
    await page.getByText('Bản sao lưu được giữ 30 ngày').waitFor();
    // And what the register keeps about the people of entered opinions.
    await expect(page.getByTestId('entered-opinions').textContent()).resolves.toMatch(/Ý kiến thư ký nhập từ kênh khác .*: \d+, trong đó \d+ có họ tên/);
    await screenshot(page, 'admin-personal-data');
    expect(pageErrors).toEqual([]);
  });
});
