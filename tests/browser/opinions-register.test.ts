import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Question, Session } from '../../shared/schemas/entities';
import type { Field, Opinion } from '../../shared/schemas/opinions';
import { auth, createSession, createStaff, createTestApp, joinSession, type TestApp } from '../helpers/app';
import { LAPTOP, launchBrowser, newPage, pageErrors, PHONE, screenshot, signIn, unexpectedDialogs } from '../helpers/browser';

/** The secretariat's register in the browser: enter an opinion from a letter, edit one in place, classify at the desk. */
describe('opinions register in the browser', { timeout: 90_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let session: Session;
  let secretary: { user: { username: string; id: number }; token: string };
  let moderator: { user: { username: string; id: number }; token: string };
  let fields: Field[];
  const questions: Question[] = [];

  const api = async <T>(method: string, url: string, payload?: unknown, token = t.adminToken): Promise<T> => {
    const res = await t.app.inject({ method: method as 'GET', url, headers: auth(token), ...(payload !== undefined && { payload: payload as object }) });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json() as T;
  };

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_QUESTIONS_PER_MINUTE: '0' });
    await t.listen();
    secretary = await createStaff(t, 'secretary');
    moderator = await createStaff(t, 'moderator');
    session = await createSession(t, 'live', { title: 'Đối thoại với nông dân huyện Yên Sơn', moderation: 'pre' });
    for (const text of ['Đề nghị sớm cấp sổ đỏ cho các hộ dân bị thu hồi đất', 'Bao giờ sửa cầu treo qua sông Lô?', 'Xin hỏi về giá phân bón năm tới']) {
      const p = await joinSession(t, session.code, { displayName: 'Người dân' });
      const q = await api<Question>('POST', `/api/sessions/${session.id}/questions`, { text }, p.token);
      questions.push(q);
    }
    // Two approved (opinions), one still pending.
    await api('POST', `/api/questions/${questions[0]!.id}/moderate`, { action: 'approve' });
    await api('POST', `/api/questions/${questions[1]!.id}/moderate`, { action: 'approve' });
    fields = await api<Field[]>('GET', '/api/fields');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('enters an opinion received by letter at 360 px and shows the tracking code the citizen finds', async () => {
    const page = await newPage(browser, t.url, PHONE);
    await signIn(page, secretary.user.username, `pw-${secretary.user.username}-secret`);
    await page.getByRole('link', { name: 'Sổ ý kiến, kiến nghị' }).first().click();
    await page.getByRole('heading', { name: 'Sổ theo dõi ý kiến, kiến nghị' }).waitFor();
    await page.locator('[data-testid="reg-count"]').filter({ hasText: '2 ý kiến' }).waitFor();
    await page.getByRole('button', { name: 'Nhập ý kiến từ kênh khác' }).click();
    const form = page.getByRole('form', { name: 'Ý kiến tiếp nhận ngoài hội nghị' });
    await form.getByLabel('Kênh tiếp nhận').selectOption({ label: 'Đơn thư' });
    await form.getByLabel('Ngày tiếp nhận').fill('2026-10-20');
    await form.getByLabel('Họ tên người nêu (nếu có)').fill('Bà Hoàng Thị Nguyệt');
    await form.getByLabel('Địa phương (nếu có)').fill('Xã Kim Phú');
    await form.getByLabel('Nội dung').fill('Đề nghị sửa chữa trường học điểm thôn Đồng Bừa trước mùa mưa');
    // The suggestion is shown, not applied: the field stays empty until chosen.
    const chip = form.getByRole('button', { name: 'Gợi ý: Giáo dục' });
    await chip.waitFor();
    await expect(form.getByLabel('Lĩnh vực').inputValue()).resolves.toBe('');
    await chip.click();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await form.getByRole('button', { name: 'Lưu ý kiến' }).click();
    const status = form.getByTestId('created-code');
    await status.waitFor();
    const code = /Mã tra cứu của người dân: ([A-Z0-9]{10})/.exec((await status.textContent()) ?? '')?.[1];
    expect(code).toBeTruthy();
    await page.locator('[data-testid="reg-count"]').filter({ hasText: '3 ý kiến' }).waitFor();
    await screenshot(page, 'register-phone');

    const stored = (await api<{ opinions: Opinion[] }>('GET', '/api/opinions?source=entered')).opinions;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ channel: 'letter', receivedAt: '2026-10-19T17:00:00.000Z', personName: 'Bà Hoàng Thị Nguyệt', locality: 'Xã Kim Phú', field: 'Giáo dục', trackingCode: code });
    // The citizen looks it up: the text, not the name.
    const track = await t.app.inject({ url: `/api/track/${code}` });
    expect(track.statusCode).toBe(200);
    expect(track.body).toContain('trường học điểm thôn Đồng Bừa');
    expect(track.body).not.toContain('Hoàng Thị Nguyệt');
    const trackPage = await newPage(browser, t.url, PHONE);
    await trackPage.goto(`/track/${code}`);
    await trackPage.getByText('Tiếp nhận qua Đơn thư').waitFor();
    await trackPage.getByText('Lĩnh vực: Giáo dục').waitFor();
    expect(pageErrors).toEqual([]);
    expect(unexpectedDialogs).toEqual([]);
  });

  it('edits an opinion in place on a laptop and filters by outcome', async () => {
    const page = await newPage(browser, t.url, LAPTOP);
    await signIn(page, secretary.user.username, `pw-${secretary.user.username}-secret`);
    await page.goto('/register');
    const opinion = (await api<{ opinions: Opinion[] }>('GET', `/api/opinions?sessionId=${session.id}`)).opinions.find((o) => o.questionId === questions[1]!.id)!;
    const card = page.locator(`[data-opinion-id="${opinion.id}"]`);
    await card.getByRole('button', { name: 'Sửa' }).click();
    const editor = card.getByTestId('opinion-editor');
    const transport = fields.find((f) => f.name.startsWith('Giao thông'))!;
    await editor.getByLabel('Lĩnh vực').selectOption({ label: transport.name });
    await editor.getByLabel('Cấp thẩm quyền').selectOption({ label: 'Tỉnh' });
    await editor.getByLabel('Cơ quan chủ trì').fill('Sở Xây dựng');
    await editor.getByLabel('Thời hạn').fill('2027-03-31');
    await editor.getByLabel('Kết quả', { exact: true }).selectOption({ label: 'Chưa giải quyết được' });
    await editor.getByLabel('Ghi chú kết quả (bắt buộc khi chưa giải quyết được)').fill('Chưa bố trí được vốn năm 2027');
    await editor.getByLabel('Văn bản trả lời').fill('Công văn số 45/SXD-QLCL ngày 02/12/2026');
    await editor.getByRole('button', { name: 'Lưu' }).click();
    await page.getByRole('status').filter({ hasText: `Đã lưu ý kiến số ${opinion.id}.` }).waitFor();
    await expect(card.getByTestId('op-outcome').textContent()).resolves.toBe('Chưa giải quyết được');
    await expect(card.getByTestId('op-field').textContent()).resolves.toBe(transport.name);
    const after = await api<Opinion>('GET', `/api/opinions/${opinion.id}`);
    expect(after).toMatchObject({ fieldId: transport.id, level: 'province', leadAgency: 'Sở Xây dựng', deadline: '2027-03-31', outcome: 'unresolved', outcomeNote: 'Chưa bố trí được vốn năm 2027', responseRef: 'Công văn số 45/SXD-QLCL ngày 02/12/2026' });
    // The question's field followed.
    expect((await api<Question[]>('GET', `/api/sessions/${session.id}/questions`)).find((q) => q.id === questions[1]!.id)?.fieldId).toBe(transport.id);

    await page.getByLabel('Kết quả', { exact: true }).first().selectOption({ label: 'Chưa giải quyết được' });
    await page.getByRole('button', { name: 'Lọc', exact: true }).click();
    await page.locator('[data-testid="reg-count"]').filter({ hasText: '1 ý kiến' }).waitFor();
    await expect(page.locator('[data-opinion-id]').count()).resolves.toBe(1);
    await screenshot(page, 'register-laptop');
    expect(pageErrors).toEqual([]);
  });

  it('the desk classifies the selected question with one keystroke from the suggestion', async () => {
    const page = await newPage(browser, t.url, LAPTOP);
    await signIn(page, moderator.user.username, `pw-${moderator.user.username}-secret`);
    await page.goto(`/moderate/${session.id}`);
    await page.getByRole('tab', { name: /Đã duyệt|Hàng đợi/ }).first().click();
    await page.locator(`.queue [data-question-id="${questions[0]!.id}"]`).click();
    await page.getByTestId('field-suggestion').filter({ hasText: 'Gợi ý: Đất đai, môi trường' }).waitFor();
    await page.keyboard.press('l');
    await page.locator(`.queue [data-question-id="${questions[0]!.id}"] [data-testid="field-badge"]`).filter({ hasText: 'Đất đai, môi trường' }).waitFor();
    const land = fields.find((f) => f.name === 'Đất đai, môi trường')!;
    const op = (await api<{ opinions: Opinion[] }>('GET', `/api/opinions?sessionId=${session.id}`)).opinions.find((o) => o.questionId === questions[0]!.id)!;
    expect(op.fieldId).toBe(land.id);
    await screenshot(page, 'desk-classify');
    expect(pageErrors).toEqual([]);
  });
});
