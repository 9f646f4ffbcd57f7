import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Question, Session } from '../../shared/schemas/entities';
import { ADMIN_PASSWORD, auth, createSession, createStaff, createTestApp, joinSession, setStatus, type TestApp } from '../helpers/app';
import { LAPTOP, launchBrowser, newPage, pageErrors, PHONE, screenshot, signIn, unexpectedDialogs } from '../helpers/browser';

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

  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
    session = await createSession(t, 'live', {
      title: 'Đối thoại với nông dân huyện Hàm Yên',
      moderation: 'post',
      panel: [{ name: 'Ông Chẩu Văn Lâm', title: 'Chủ tịch UBND tỉnh' }],
    });
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
    await page.getByRole('button', { name: new RegExp(`#${asked.number}`) }).click();
    await page.getByLabel('Tóm tắt nội dung trả lời').fill('Chủ tịch UBND tỉnh cho biết tỉnh sẽ hỗ trợ 30% giá phân bón vụ đông xuân.');
    // Who answered is a panel seat, chosen from the list, not typed.
    await page.getByLabel('Người trả lời').selectOption({ label: 'Ông Chẩu Văn Lâm, Chủ tịch UBND tỉnh' });
    await page.getByRole('button', { name: /Thêm cam kết/ }).click();
    await page.getByLabel('Nội dung cam kết').fill('Ban hành nghị quyết hỗ trợ giá phân bón');
    await page.getByLabel('Cơ quan chịu trách nhiệm').fill('Sở Nông nghiệp và Môi trường');
    await page.getByLabel('Thời hạn').fill('2027-03-31');
    await page.getByRole('button', { name: 'Lưu trả lời' }).click();
    await page.getByText(`Đã lưu trả lời cho câu #${asked.number}.`).waitFor();
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

  it('lets the secretariat defer a question with supporting bodies, enter the attendance and write the conclusions', async () => {
    const sec = await createStaff(t, 'secretary');
    const citizen = await joinSession(t, session.code, { displayName: 'Lê Thị Mai', locality: 'Xã Yên Phú', group: 'farmer' });
    const toDefer = await inject<Question>('POST', `/api/sessions/${session.id}/questions`, citizen.token, { text: 'Đề nghị nâng cấp kênh mương nội đồng xã Yên Phú.' });
    const page = await newPage(browser, t.url, LAPTOP);
    await signIn(page, sec.user.username, `pw-${sec.user.username}-secret`);
    await page.goto(`/secretariat/${session.id}`);
    await page.getByRole('button', { name: new RegExp(`#${toDefer.id}`) }).click();
    await page.getByText('Chuyển trả lời bằng văn bản', { exact: true }).first().click();
    await page.getByLabel('Cơ quan chủ trì trả lời').fill('Sở Nông nghiệp và Môi trường');
    await page.getByLabel('Cơ quan phối hợp').fill('Sở Tài chính\nUBND xã Yên Phú');
    await page.getByLabel('Hạn trả lời bằng văn bản').fill('2027-02-28');
    await page.getByRole('button', { name: 'Chuyển trả lời bằng văn bản' }).click();
    await page.getByText(`Đã chuyển câu #${toDefer.id} trả lời bằng văn bản.`).waitFor();
    const stored = t.db.$client.prepare('SELECT agency, supporting_agencies FROM follow_ups WHERE question_id = ?').get(toDefer.id);
    expect(stored).toEqual({ agency: 'Sở Nông nghiệp và Môi trường', supporting_agencies: '["Sở Tài chính","UBND xã Yên Phú"]' });

    await page.getByRole('tab', { name: 'Biên bản và kết luận' }).click();
    await page.getByLabel('Số người dự tại hội trường').fill('150');
    await page.getByLabel('Ý kiến kết luận của chủ tọa').fill('Đề nghị các sở trả lời đúng hạn.');
    await page.getByRole('button', { name: 'Lưu vào biên bản' }).click();
    await page.getByText('Đã lưu.', { exact: true }).waitFor();
    // The notice starts as a draft: the deferral is already a task of its lead body.
    await page.getByText('Bản dự thảo từ các cam kết').waitFor();
    await expect.poll(() => page.locator('input[id^="t-agency-"]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toContain(
      'Sở Nông nghiệp và Môi trường',
    );
    await page.getByLabel('Đánh giá chung').fill('Hội nghị diễn ra dân chủ, thẳng thắn.');
    await page.getByRole('button', { name: /Thêm nhiệm vụ/ }).click();
    const last = await page.locator('input[id^="t-agency-"]').count();
    await page.locator(`#t-agency-${last - 1}`).fill('Sở Y tế');
    await page.locator(`#t-text-${last - 1}`).fill('Khảo sát xây trạm y tế xã Yên Phú');
    await page.getByLabel('Hình thức ký').selectOption('KT');
    await page.getByLabel('Ký thay cho').fill('CHỦ TỊCH');
    await page.getByLabel('Chức vụ người ký').fill('PHÓ CHỦ TỊCH');
    await page.getByLabel('Họ và tên người ký').fill('Đặng Văn Minh');
    await page.getByRole('button', { name: 'Lưu thông báo kết luận' }).click();
    await page.getByText('Đã lưu thông báo kết luận.').waitFor();
    await screenshot(page, '24-secretariat-conclusions');
    const saved = (await t.app.inject({ url: `/api/sessions/${session.id}/conclusions`, headers: auth(sec.token) })).json();
    expect(saved).toMatchObject({ saved: true, assessment: 'Hội nghị diễn ra dân chủ, thẳng thắn.', authority: { mode: 'KT', of: 'CHỦ TỊCH', position: 'PHÓ CHỦ TỊCH', name: 'Đặng Văn Minh' } });
    expect(saved.tasks.at(-1)).toEqual({ agency: 'Sở Y tế', text: 'Khảo sát xây trạm y tế xã Yên Phú', deadline: null });
    const [printable] = await Promise.all([page.context().waitForEvent('page'), page.getByRole('button', { name: 'Thông báo kết luận (bản in)' }).click()]);
    await printable.waitForLoadState();
    const text = await printable.locator('body').innerText();
    expect(text).toContain('KT. CHỦ TỊCH');
    expect(text).toContain('Khảo sát xây trạm y tế xã Yên Phú');
    await printable.close();
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
    // Each move is asked once more in the page (no browser confirm box), and can be called off.
    await card.getByRole('button', { name: 'Mở nhận câu hỏi' }).click();
    await card.getByRole('button', { name: 'Hủy' }).click();
    await card.getByText('Bản nháp').waitFor();
    await card.getByRole('button', { name: 'Mở nhận câu hỏi' }).click();
    await card.getByRole('button', { name: 'Xác nhận' }).click();
    await card.getByText('Nhận câu hỏi trước').waitFor();
    await card.getByRole('button', { name: 'Bắt đầu' }).click();
    await card.getByRole('button', { name: 'Xác nhận' }).click();
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
