import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Question, Session } from '../../shared/schemas/entities';
import { ADMIN_PASSWORD, auth, createSession, createStaff, createTestApp, joinSession, setStatus, type TestApp } from '../helpers/app';
import { LAPTOP, launchBrowser, newPage, pageErrors, PHONE, screenshot, unexpectedDialogs } from '../helpers/browser';

/** The secretariat, the admin, tracking and the public record, in the browser. */
describe('staff and public views in the browser', { timeout: 60_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let session: Session;
  let asked: Question;
  let deferred: Question;

  const inject = async <T>(method: 'POST' | 'PATCH', url: string, token: string, payload: object): Promise<T> => {
    const res = await t.app.inject({ method, url, headers: auth(token), payload });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json() as T;
  };

  const signIn = async (page: Page, username: string, password: string) => {
    await page.goto('/login');
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('heading', { name: 'Các hội nghị' }).waitFor();
  };

  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
    session = await createSession(t, 'live', { title: 'Đối thoại với nông dân huyện Hàm Yên', moderation: 'post' });
    const citizen = await joinSession(t, session.code, { displayName: 'Hoàng Văn Thụ', locality: 'Xã Yên Phú', group: 'farmer', contact: '0912 345 678' });
    asked = await inject<Question>('POST', `/api/sessions/${session.id}/questions`, citizen.token, {
      text: 'Giá phân bón tăng cao, tỉnh có chính sách hỗ trợ nông dân không?',
    });
    deferred = await inject<Question>('POST', `/api/sessions/${session.id}/questions`, citizen.token, {
      text: 'Bao giờ xã Yên Phú có trạm y tế mới?',
    });
    await inject('POST', `/api/questions/${deferred.id}/moderate`, t.adminToken, { action: 'defer', agency: 'Sở Y tế', deadline: '2027-01-15' });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lets the secretariat record an answer summary with a commitment', async () => {
    const sec = await createStaff(t, 'secretary');
    const page = await newPage(browser, t.url, LAPTOP);
    await signIn(page, sec.user.username, `pw-${sec.user.username}-secret`);
    await page.goto(`/secretariat/${session.id}`);
    await page.getByRole('button', { name: new RegExp(`#${asked.id}`) }).click();
    await page.getByLabel('Tóm tắt nội dung trả lời').fill('Chủ tịch UBND tỉnh cho biết tỉnh sẽ hỗ trợ 30% giá phân bón vụ đông xuân.');
    await page.getByRole('button', { name: /Thêm cam kết/ }).click();
    await page.getByLabel('Nội dung cam kết').fill('Ban hành nghị quyết hỗ trợ giá phân bón');
    await page.getByLabel('Cơ quan chịu trách nhiệm').fill('Sở Nông nghiệp và Môi trường');
    await page.getByLabel('Thời hạn').fill('2027-03-31');
    await page.getByRole('button', { name: 'Lưu trả lời' }).click();
    await page.getByText(`Đã lưu trả lời cho câu #${asked.id}.`).waitFor();
    await page.locator('.detail').getByText('Ban hành nghị quyết hỗ trợ giá phân bón — Sở Nông nghiệp và Môi trường').waitFor();
    await page.getByRole('button', { name: 'Xem liên hệ người hỏi' }).click();
    await page.getByText('Liên hệ: 0912 345 678').waitFor();
    await screenshot(page, '20-secretariat');

    // Exports need the Bearer header: fetched, then handed to the browser as a download.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Danh sách câu hỏi (.csv)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const [docx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Biên bản (.docx)' }).click()]);
    expect(docx.suggestedFilename()).toBe(`Biên bản - ${session.title}.docx`);
    const [printable] = await Promise.all([page.context().waitForEvent('page'), page.getByRole('button', { name: 'Biên bản (bản in)' }).click()]);
    await printable.waitForLoadState();
    expect(await printable.locator('body').innerText()).toContain(session.title);
    await printable.close();

    await page.getByRole('tab', { name: 'Trả lời bằng văn bản' }).click();
    await page.getByText('Bao giờ xã Yên Phú có trạm y tế mới?').waitFor();
    await screenshot(page, '21-secretariat-followup');
    await page.getByRole('tab', { name: 'Thống kê' }).click();
    await page.getByRole('heading', { name: 'Thống kê hội nghị' }).waitFor();
    await page.getByRole('cell', { name: 'Nông dân' }).waitFor();
    await screenshot(page, '22-secretariat-stats');
    await page.context().close();
  });

  it('shows a question, its answer and commitments by tracking code, with nothing personal', async () => {
    const page = await newPage(browser, t.url, PHONE);
    await page.goto(`/track/${asked.trackingCode}`);
    await page.getByText('Giá phân bón tăng cao, tỉnh có chính sách hỗ trợ nông dân không?').waitFor();
    await page.getByText(/hỗ trợ 30% giá phân bón/).waitFor();
    expect(await page.locator('main').innerText()).not.toContain('Hoàng Văn Thụ');
    await screenshot(page, '23-track');
    await page.context().close();
  });

  it('lets the admin create a session, run its lifecycle and add a staff account', async () => {
    const page = await newPage(browser, t.url, LAPTOP);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Quản trị hệ thống' }).first().click();
    await page.getByRole('button', { name: /Tạo hội nghị/ }).click();
    await page.getByLabel('Tên hội nghị').fill('Đối thoại với công nhân khu công nghiệp Long Bình An');
    await page.getByLabel('Đối tượng').fill('Công nhân');
    await page.getByLabel('Thời gian bắt đầu (giờ Việt Nam)').fill('2027-02-10T08:00');
    await page.getByLabel('Địa điểm').fill('Nhà văn hóa khu công nghiệp');
    await page.getByRole('button', { name: /Thêm lãnh đạo/ }).click();
    await page.getByLabel('Họ và tên').fill('Lê Thị Hồng');
    await page.getByLabel('Chức vụ').fill('Phó Chủ tịch UBND tỉnh');
    await screenshot(page, '24-admin-session-form');
    await page.getByRole('button', { name: 'Tạo', exact: true }).click();
    const card = page.locator('li.card', { hasText: 'Đối thoại với công nhân khu công nghiệp Long Bình An' });
    await card.getByText('Bản nháp').waitFor();
    await card.getByText('Lê Thị Hồng, Phó Chủ tịch UBND tỉnh').waitFor();
    await card.getByText('10 thg 2, 2027').waitFor();
    await card.getByRole('button', { name: 'Mở nhận câu hỏi' }).click();
    await card.getByText('Nhận câu hỏi trước').waitFor();
    await card.getByRole('button', { name: 'Bắt đầu' }).click();
    await card.getByText('Đang diễn ra').waitFor();
    await screenshot(page, '25-admin-sessions');

    await page.getByRole('tab', { name: 'Tài khoản cán bộ' }).click();
    await page.getByLabel('Tên đăng nhập').fill('thuky.hamyen');
    await page.getByLabel('Mật khẩu (ít nhất 8 ký tự)').fill('mat-khau-an-toan');
    await page.getByLabel('Họ và tên').fill('Đặng Thu Hà');
    await page.getByLabel('Vai trò').selectOption('secretary');
    await page.getByRole('button', { name: 'Tạo', exact: true }).click();
    await page.getByRole('cell', { name: 'Đặng Thu Hà' }).waitFor();
    const row = page.getByRole('row', { name: /thuky\.hamyen/ });
    await row.getByRole('button', { name: 'Sửa' }).click();
    await page.locator('#e-title').fill('Chuyên viên Văn phòng UBND tỉnh');
    await page.getByRole('button', { name: 'Lưu', exact: true }).click();
    await page.getByRole('cell', { name: 'Chuyên viên Văn phòng UBND tỉnh' }).waitFor();
    await page.getByRole('row', { name: /thuky\.hamyen/ }).getByRole('button', { name: 'Khóa' }).click();
    await page.getByRole('row', { name: /thuky\.hamyen/ }).getByRole('cell', { name: 'Đã khóa' }).waitFor();
    await page.getByRole('status').getByText('Đã lưu.').waitFor();
    await screenshot(page, '26-admin-users');
    // The confirmation follows a language switch like every other string.
    await page.getByRole('button', { name: /^EN/ }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    await page.getByRole('button', { name: /^VI/ }).click();
    await page.getByRole('status').getByText('Đã lưu.').waitFor();

    await page.getByRole('tab', { name: 'Sao lưu' }).click();
    await page.getByRole('button', { name: 'Sao lưu ngay' }).click();
    await page.getByText(/Đã tạo bản sao lưu/).waitFor();
    await screenshot(page, '26b-admin-backups');
    await page.context().close();
  });

  it('publishes the record of a closed session without naming askers', async () => {
    await setStatus(t, session.id, 'closed');
    const page = await newPage(browser, t.url, PHONE);
    await page.goto('/public');
    await page.getByRole('link', { name: session.title }).click();
    await page.getByRole('heading', { name: session.title }).waitFor();
    await page.getByText(/hỗ trợ 30% giá phân bón/).waitFor();
    expect(await page.locator('main').innerText()).not.toContain('Hoàng Văn Thụ');
    await screenshot(page, '27-public-record');
    await page.context().close();

    expect(unexpectedDialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
