import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Question, Session, User } from '../../shared/schemas/entities';
import { ADMIN_PASSWORD, auth, createSession, createStaff, createTestApp, joinSession, setStatus, type TestApp } from '../helpers/app';
import { LAPTOP, PHONE, launchBrowser, newPage, pageErrors, screenshot, signIn, unexpectedDialogs } from '../helpers/browser';

/** Staff scope, the audit log, the account page and the frozen record, as the people using them see it. */
describe('a record that can be trusted, in the browser', { timeout: 90_000 }, () => {
  let t: TestApp;
  let browser: Browser;

  const inject = async <T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, token: string, payload?: object): Promise<T> => {
    const res = await t.app.inject({ method, url, headers: auth(token), ...(payload && { payload }) });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json() as T;
  };

  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lets the admin assign staff to a session, and a moderator then sees only that session', async () => {
    const mod = await createStaff(t, 'moderator', { assign: false });
    const mine = await createSession(t, 'live', { title: 'Đối thoại với công nhân khu công nghiệp Long Bình An' }, { assignAll: false });
    const other = await createSession(t, 'live', { title: 'Đối thoại với doanh nghiệp nhỏ và vừa' }, { assignAll: false });

    const admin = await newPage(browser, t.url, LAPTOP);
    await signIn(admin, 'admin', ADMIN_PASSWORD);
    await admin.goto('/admin');
    const row = admin.locator('li, tr, .card').filter({ hasText: mine.title }).first();
    await row.getByRole('button', { name: 'Sửa' }).click();
    await admin.getByRole('group', { name: 'Cán bộ làm việc tại hội nghị' }).waitFor();
    await admin.getByLabel(new RegExp(mod.user.displayName)).check();
    await screenshot(admin, '40-admin-assign-staff');
    await admin.getByRole('button', { name: 'Lưu', exact: true }).click();
    await expect
      .poll(async () => (await inject<{ staff: User[] }>('GET', `/api/sessions/${mine.id}/staff`, t.adminToken)).staff.map((u) => u.id))
      .toEqual([mod.user.id]);

    const page = await newPage(browser, t.url, LAPTOP);
    await signIn(page, mod.user.username, `pw-${mod.user.username}-secret`);
    await page.getByText(mine.title).waitFor();
    expect(await page.getByText(other.title).count()).toBe(0);
    // Opening another session's desk by its address is refused in words, not a blank page.
    await page.goto(`/moderate/${other.id}`);
    await page.getByText('Bạn không được phân công làm việc ở hội nghị này.').waitFor();
    await screenshot(page, '41-moderator-not-assigned');
  });

  it('shows the admin and the secretariat the audit log, with who did what and the difference', async () => {
    const sec = await createStaff(t, 'secretary');
    const mod = await createStaff(t, 'moderator');
    const s = await createSession(t, 'live', { title: 'Đối thoại với thanh niên xã Thái Bình', moderation: 'pre' });
    const p = await joinSession(t, s.code);
    const q = await inject<Question>('POST', `/api/sessions/${s.id}/questions`, p.token, { text: 'Xã có mở lớp dạy nghề cho thanh niên không?' });
    await inject('POST', `/api/questions/${q.id}/moderate`, mod.token, { action: 'approve' });
    await inject('POST', `/api/questions/${q.id}/moderate`, mod.token, { action: 'tag', topic: 'Việc làm' });

    const page = await newPage(browser, t.url, LAPTOP);
    await signIn(page, sec.user.username, `pw-${sec.user.username}-secret`);
    await page.getByRole('link', { name: 'Nhật ký' }).click();
    await page.getByRole('heading', { name: 'Nhật ký thao tác' }).waitFor();
    await page.getByLabel('Hội nghị').selectOption({ label: s.title });
    const tag = page.locator('li[data-action="question.tag"]').first();
    await tag.waitFor();
    await expect.poll(() => tag.innerText()).toContain('gắn chủ đề');
    const text = await tag.innerText();
    expect(text).toContain(mod.user.displayName);
    expect(text).toContain('Chủ đề');
    expect(text).toContain('Việc làm');
    const approve = page.locator('li[data-action="question.approve"]').first();
    expect(await approve.innerText()).toMatch(/Trạng thái\s+Chờ duyệt\s+Đã duyệt/);
    await screenshot(page, '42-audit-secretary');

    // The admin sees logins too.
    const admin = await newPage(browser, t.url, LAPTOP);
    await signIn(admin, 'admin', ADMIN_PASSWORD);
    await admin.goto('/audit');
    await admin.getByLabel('Loại').selectOption({ label: 'Tài khoản' });
    await admin.locator('li[data-action="auth.login.ok"]').first().waitFor();
    await screenshot(admin, '43-audit-admin');
  });

  it('changes one’s own password, which ends the other sign-ins', async () => {
    const leader = await createStaff(t, 'leader');
    const page = await newPage(browser, t.url, LAPTOP);
    await signIn(page, leader.user.username, `pw-${leader.user.username}-secret`);
    await page.getByRole('link', { name: 'Tài khoản' }).click();
    await page.getByLabel('Mật khẩu hiện tại').fill(`pw-${leader.user.username}-secret`);
    await page.getByLabel('Mật khẩu mới (ít nhất 8 ký tự)').fill('mat-khau-moi-2026');
    await page.getByLabel('Nhập lại mật khẩu mới').fill('mat-khau-moi-2026');
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await page.getByText('Đã đổi mật khẩu. Các nơi đăng nhập cũ đã bị đăng xuất.').waitFor();
    // The token made before the change (in the test's hands, like another device's) is over.
    const old = await t.app.inject({ url: '/api/me', headers: auth(leader.token) });
    expect(old.statusCode).toBe(401);
    // This page signed in again with the new password and goes on working.
    await page.goto('/staff');
    await page.getByRole('heading', { name: 'Các hội nghị' }).waitFor();
    await screenshot(page, '44-account');
  });

  it('tells a citizen asking anonymously exactly who still sees what, before sending', async () => {
    const s = await createSession(t, 'live', { title: 'Đối thoại với hội viên phụ nữ xã Tân Trào', moderation: 'pre', anonymousAllowed: true });
    const phone = await newPage(browser, t.url, PHONE);
    await phone.goto(`/j/${s.code}`);
    await phone.getByLabel('Họ và tên').fill('Hoàng Thị Thu');
    await phone.getByRole('button', { name: 'Vào hội nghị' }).click();
    await phone.getByRole('heading', { name: s.title }).waitFor();
    await phone.getByLabel('Câu hỏi của bạn').fill('Chị em bị bạo lực gia đình thì báo cho ai?');
    const note = phone.locator('#anon-note');
    expect(await note.count()).toBe(0);
    await phone.getByLabel('Gửi ẩn danh (không hiện tên và địa phương)').check();
    const said = await note.innerText();
    // Who does not see the name, locality and group; who still does; and who sees the contact.
    expect(said).toContain('lãnh đạo, màn hình lớn, những người tham gia khác và bản công khai sau hội nghị sẽ không thấy tên, địa phương và đối tượng');
    expect(said).toContain('Người điều hành, thư ký hội nghị và quản trị viên hệ thống vẫn thấy');
    expect(said).toContain('số liên hệ (nếu bạn đã để lại) chỉ thư ký và quản trị viên được xem');
    await screenshot(phone, '48-participant-anonymous-note');
    await phone.getByRole('button', { name: 'Gửi câu hỏi' }).click();
    await phone.getByText('Câu hỏi đang chờ ban tổ chức duyệt').waitFor();
    const stored = (await inject<Question[]>('GET', `/api/sessions/${s.id}/questions`, t.adminToken)).find((q) => q.text.startsWith('Chị em'));
    expect(stored).toMatchObject({ anonymous: true, authorName: 'Hoàng Thị Thu' });
  });

  it('shows a closed session as frozen in the moderator and secretariat desks, offering only what goes on', async () => {
    const mod = await createStaff(t, 'moderator');
    const sec = await createStaff(t, 'secretary');
    const s: Session = await createSession(t, 'live', {
      title: 'Đối thoại về đất đai với nông dân xã Kim Phú',
      moderation: 'pre',
      panel: [{ name: 'Bà Ma Thị Nguyệt', title: 'Chủ tịch UBND xã' }],
    });
    const p = await joinSession(t, s.code);
    const approved = await inject<Question>('POST', `/api/sessions/${s.id}/questions`, p.token, { text: 'Khi nào cấp sổ đỏ cho các hộ ở thôn Cầu Trôi?' });
    const pending = await inject<Question>('POST', `/api/sessions/${s.id}/questions`, p.token, { text: 'Giá đền bù đất nông nghiệp tính thế nào?' });
    await inject('POST', `/api/questions/${approved.id}/moderate`, mod.token, { action: 'approve' });
    await setStatus(t, s.id, 'closed');

    const desk = await newPage(browser, t.url, LAPTOP);
    // Everything the desk sends over its socket: a frozen record's shortcut must send nothing.
    const sent: string[] = [];
    desk.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(typeof f.payload === 'string' ? f.payload : f.payload.toString())));
    await signIn(desk, mod.user.username, `pw-${mod.user.username}-secret`);
    await desk.goto(`/moderate/${s.id}`);
    await desk.getByTestId('frozen').getByText('Hội nghị đã kết thúc: hồ sơ đã khóa.', { exact: false }).waitFor();
    await desk.locator(`.items [data-question-id="${pending.id}"]`).click();
    await desk.getByRole('heading', { name: `Câu hỏi #${pending.number}` }).waitFor();
    await desk.keyboard.press('a'); // the approve shortcut does nothing on a frozen record
    // Nothing that would rewrite the record is offered...
    for (const name of ['Duyệt', 'Không duyệt', 'Lưu nội dung']) expect(await desk.getByRole('button', { name, exact: false }).count(), name).toBe(0);
    // ...deferral to a written answer still is.
    await desk.getByRole('button', { name: 'Chuyển trả lời bằng văn bản' }).waitFor();
    await desk.getByRole('tab', { name: /Đã duyệt/ }).click();
    await desk.locator(`.items [data-question-id="${approved.id}"]`).click();
    expect(await desk.getByRole('button', { name: 'Đưa lên màn hình' }).count()).toBe(0);
    await desk.keyboard.press('s'); // neither do stage and pin
    await desk.keyboard.press('p');
    await new Promise((r) => setTimeout(r, 500));
    // The socket was heard (it joined the session), and no moderation went out on it.
    expect(sent.some((f) => f.includes('session:join'))).toBe(true);
    expect(sent.filter((f) => f.includes('question:moderate'))).toEqual([]);
    await screenshot(desk, '45-moderator-frozen');

    const secPage = await newPage(browser, t.url, LAPTOP);
    await signIn(secPage, sec.user.username, `pw-${sec.user.username}-secret`);
    await secPage.goto(`/secretariat/${s.id}`);
    await secPage.getByTestId('frozen').waitFor();
    await secPage.getByRole('button', { name: new RegExp(`#${approved.number}`) }).click();
    // Answers and commitments still go on after closing.
    await secPage.getByRole('button', { name: 'Lưu trả lời' }).waitFor();
    await screenshot(secPage, '46-secretariat-closed');

    await setStatus(t, s.id, 'archived');
    await secPage.reload();
    await secPage.getByText('Hội nghị đã lưu trữ: chỉ còn tiếp tục trả lời bằng văn bản', { exact: false }).waitFor();
    await secPage.getByRole('button', { name: new RegExp(`#${approved.number}`) }).click();
    expect(await secPage.getByRole('button', { name: 'Lưu trả lời' }).count()).toBe(0);
    await screenshot(secPage, '47-secretariat-archived');
    expect(await desk.evaluate(() => document.body.innerText)).not.toContain('Câu hỏi đã được đưa lên màn hình');
    const row = t.db.$client.prepare('select status from questions where id = ?').get(approved.id);
    expect(row).toEqual({ status: 'approved' });
    expect(unexpectedDialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
