import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Question, Session, Venue } from '../../shared/schemas/entities';
import { ADMIN_PASSWORD, auth, createSession, createStaff, createTestApp, type TestApp } from '../helpers/app';
import JSZip from 'jszip';
import { joinSession } from '../helpers/app';
import { LAPTOP, launchBrowser, newPage, pageErrors, PHONE, PROJECTOR, screenshot, signIn, unexpectedDialogs } from '../helpers/browser';

const TABLET = { width: 768, height: 1024 } as const;

/** A moderator enters a question raised on the floor of a linked venue, from a tablet. */
describe('questions taken on behalf, in the browser', { timeout: 60_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let session: Session;
  let venue: Venue;

  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
    session = await createSession(t, 'live', { title: 'Đối thoại với nông dân hai huyện', moderation: 'pre' });
    const res = await t.app.inject({ method: 'POST', url: `/api/sessions/${session.id}/venues`, headers: auth(t.adminToken), payload: { name: 'Điểm cầu huyện Chiêm Hóa', locality: 'Chiêm Hóa' } });
    venue = res.json();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('enters a floor question with the asker and venue on a 768×1024 tablet; it joins the queue marked with its channel', async () => {
    const mod = await createStaff(t, 'moderator');
    const page = await newPage(browser, t.url, TABLET);
    await signIn(page, mod.user.username, `pw-${mod.user.username}-secret`);
    await page.goto(`/moderate/${session.id}`);
    await page.getByRole('button', { name: 'Nhập câu hỏi tại hội trường, phiếu, đường dây nóng' }).click();
    const form = page.getByRole('form', { name: 'Nhập câu hỏi thay người hỏi' });
    await form.getByLabel('Phát biểu tại hội trường').check();
    await form.getByLabel('Điểm cầu').selectOption({ label: 'Điểm cầu huyện Chiêm Hóa' });
    await form.getByLabel('Nội dung câu hỏi').fill('Xin hỏi bao giờ làm lại đường vào thôn Nà Khà?');
    await form.getByLabel('Họ và tên người hỏi').fill('Ông Ma Văn Hùng');
    await form.getByLabel('Địa chỉ (xã, phường)').fill('Xã Vinh Quang');
    await form.getByLabel('Đối tượng').selectOption({ label: 'Nông dân' });
    // Every control fits the tablet's width, and the button is large enough to tap.
    const submit = form.getByRole('button', { name: 'Đưa vào danh sách câu hỏi' });
    const box = (await submit.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(44);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(TABLET.width);
    await submit.click();
    await form.getByRole('status').filter({ hasText: /Đã nhập câu hỏi số 1/ }).waitFor();
    await expect(form.getByLabel('Nội dung câu hỏi').inputValue()).resolves.toBe('');

    // It is in the pending queue, marked as raised on the floor, at its venue.
    const item = page.locator('.queue [data-question-id]').filter({ hasText: 'đường vào thôn Nà Khà' });
    await item.waitFor();
    await expect(item.locator('[data-channel="floor"]').textContent()).resolves.toBe('Phát biểu tại hội trường');
    await expect(item.textContent()).resolves.toContain('Điểm cầu huyện Chiêm Hóa');
    await expect(item.textContent()).resolves.toContain('Ông Ma Văn Hùng');
    await screenshot(page, 'moderator-take-question-tablet');

    const stored = (await t.app.inject({ url: `/api/sessions/${session.id}/questions`, headers: auth(t.adminToken) })).json() as Question[];
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ channel: 'floor', venueId: venue.id, authorName: 'Ông Ma Văn Hùng', locality: 'Xã Vinh Quang', group: 'farmer', status: 'pending' });
    expect(pageErrors).toEqual([]);
    expect(unexpectedDialogs).toEqual([]);
  });

  it('lets an admin add a venue to a session, which gets its own code', async () => {
    const page = await newPage(browser, t.url, LAPTOP);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.goto('/admin');
    await page.locator('li.card').filter({ hasText: session.title }).getByRole('button', { name: 'Sửa' }).click();
    await page.getByLabel('Tên điểm cầu').fill('Điểm cầu huyện Lâm Bình');
    await page.getByLabel('Địa phương', { exact: true }).fill('Lâm Bình');
    await page.getByRole('button', { name: '+ Thêm điểm cầu' }).click();
    const added = page.locator('fieldset.venues li').filter({ hasText: 'Điểm cầu huyện Lâm Bình (Lâm Bình)' });
    await added.waitFor();
    const list = (await t.app.inject({ url: `/api/sessions/${session.id}/venues`, headers: auth(t.adminToken) })).json() as Venue[];
    const created = list.find((v) => v.name === 'Điểm cầu huyện Lâm Bình')!;
    expect(created.locality).toBe('Lâm Bình');
    await expect(added.getAttribute('data-venue-code')).resolves.toBe(created.code);
    expect(pageErrors).toEqual([]);
  });

  it("shows a venue's own code and QR on the display opened for it, and the session's otherwise", async () => {
    const mod = await createStaff(t, 'moderator');
    const page = await newPage(browser, t.url, PROJECTOR);
    await signIn(page, mod.user.username, `pw-${mod.user.username}-secret`);
    await page.goto(`/display/${session.id}?venue=${venue.id}`);
    await page.getByTestId('display-venue').filter({ hasText: 'Điểm cầu huyện Chiêm Hóa' }).waitFor();
    await page.locator('.join .code').filter({ hasText: venue.code }).waitFor();
    await expect(page.locator('.join .url').textContent()).resolves.toContain(`/j/${venue.code}`);
    await page.getByAltText(/QR/).waitFor();
    await screenshot(page, 'display-venue');
    await page.goto(`/display/${session.id}`);
    await page.locator('.join .code').filter({ hasText: session.code }).waitFor();
    expect(await page.getByTestId('display-venue').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  describe('a session with linked venues, screen by screen', () => {
    let linked: Session;
    let fromMainHall: Question;
    const fromVenues: Question[] = [];
    const halls: Venue[] = [];
    const ask = async (token: string, text: string, extra: Record<string, unknown> = {}) =>
      (await t.app.inject({ method: 'POST', url: `/api/sessions/${linked.id}/questions`, headers: auth(token), payload: { text, ...extra } })).json() as Question;
    const moderate = (id: number, body: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url: `/api/questions/${id}/moderate`, headers: auth(t.adminToken), payload: body });
    /** Nothing on the page is wider than the screen. */
    const fits = async (page: Page, what: string) => {
      const { scroll, width, wide } = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        width: window.innerWidth,
        // The innermost elements that stick out, to say what to fix.
        wide: [...document.querySelectorAll('body *')]
          .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5 && ![...el.children].some((c) => c.getBoundingClientRect().right > window.innerWidth + 0.5))
          .slice(0, 5)
          .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${(el.textContent ?? '').trim().slice(0, 40)}"`),
      }));
      expect(scroll, `${what}: ${scroll}px wide on a ${width}px screen (${wide.join('; ')})`).toBeLessThanOrEqual(width);
    };

    beforeAll(async () => {
      linked = await createSession(t, 'live', { title: 'Đối thoại với nông dân huyện Sơn Dương và huyện Yên Sơn', moderation: 'pre' });
      for (const name of ['Điểm cầu huyện Sơn Dương', 'Điểm cầu huyện Yên Sơn']) {
        const res = await t.app.inject({ method: 'POST', url: `/api/sessions/${linked.id}/venues`, headers: auth(t.adminToken), payload: { name } });
        halls.push(res.json());
      }
      // A phone at each hall asks one question.
      const main = await joinSession(t, linked.code, { displayName: 'Bà Triệu Thị Hoa' });
      fromMainHall = await ask(main.token, 'Hội trường chính hỏi: kênh mương nội đồng bao giờ được kiên cố hóa?');
      const atSonDuong = await joinSession(t, halls[0]!.code, { displayName: 'Ông Lý Văn Páo' });
      fromVenues[0] = await ask(atSonDuong.token, 'Sơn Dương hỏi: giống lúa mới có được hỗ trợ không?');
      const atYenSon = await joinSession(t, halls[1]!.code, { displayName: 'Ông Đặng Văn Lù' });
      fromVenues[1] = await ask(atYenSon.token, 'Yên Sơn hỏi: bao giờ có điện lưới ở thôn Khuôn Thống?');
    });

    it("lets the admin limit a moderator to one venue; that moderator's desk says so and shows only that venue's questions", async () => {
      const mod = await createStaff(t, 'moderator');
      const admin = await newPage(browser, t.url, LAPTOP);
      await signIn(admin, 'admin', ADMIN_PASSWORD);
      await admin.goto('/admin');
      await admin.locator('li.card').filter({ hasText: linked.title }).getByRole('button', { name: 'Sửa' }).click();
      await expect(admin.getByRole('checkbox', { name: new RegExp(mod.user.displayName) }).isChecked()).resolves.toBe(true);
      const scope = admin.getByLabel(`Phạm vi điều hành của ${mod.user.displayName}`);
      await expect(scope.inputValue()).resolves.toBe('');
      await scope.selectOption({ label: 'Chỉ Điểm cầu huyện Sơn Dương' });
      await screenshot(admin, 'admin-venue-moderator');
      await admin.getByRole('button', { name: 'Lưu', exact: true }).click();
      await admin.getByRole('button', { name: '+ Tạo hội nghị' }).waitFor();
      const staff = (await t.app.inject({ url: `/api/sessions/${linked.id}/staff`, headers: auth(t.adminToken) })).json();
      expect(staff.venues).toEqual([{ userId: mod.user.id, venueId: halls[0]!.id }]);
      // Editing again shows the venue chosen.
      await admin.locator('li.card').filter({ hasText: linked.title }).getByRole('button', { name: 'Sửa' }).click();
      await expect(admin.getByLabel(`Phạm vi điều hành của ${mod.user.displayName}`).inputValue()).resolves.toBe(String(halls[0]!.id));
      await fits(admin, 'admin session editor');
      await admin.context().close();

      for (const size of [LAPTOP, PHONE]) {
        const page = await newPage(browser, t.url, size);
        await signIn(page, mod.user.username, `pw-${mod.user.username}-secret`);
        await page.goto(`/moderate/${linked.id}`);
        await expect(page.getByTestId('my-venue').textContent()).resolves.toContain('Bạn điều hành điểm cầu: Điểm cầu huyện Sơn Dương.');
        // The code its hall joins by is the venue's own.
        await page.getByText(`Mã: ${halls[0]!.code}`).waitFor();
        const items = page.locator('.queue [data-question-id]');
        await items.first().waitFor();
        await expect(items.allTextContents()).resolves.toEqual([expect.stringContaining('Sơn Dương hỏi: giống lúa mới')]);
        // No venue filter for a venue moderator: there is nothing else to filter.
        expect(await page.getByLabel('Điểm cầu', { exact: true }).count()).toBe(0);
        // It screens; the stage and written deferral are the central desk's, so they are not offered.
        await items.first().click();
        await page.getByRole('button', { name: 'Không duyệt' }).first().waitFor();
        expect(await page.getByRole('button', { name: /Đưa lên màn hình/ }).count()).toBe(0);
        expect(await page.locator('legend', { hasText: 'Trả lời bằng văn bản' }).count()).toBe(0);
        await fits(page, `venue moderator desk at ${size.width}px`);
        await screenshot(page, `moderator-venue-desk-${size.width}`);
        await page.context().close();
      }
      expect(pageErrors).toEqual([]);
    });

    it('lets the secretary enter each venue\'s attendance, shows the total, and the minutes print them', async () => {
      const sec = await createStaff(t, 'secretary');
      const page = await newPage(browser, t.url, PHONE);
      await signIn(page, sec.user.username, `pw-${sec.user.username}-secret`);
      await page.goto(`/secretariat/${linked.id}`);
      await page.getByRole('tab', { name: 'Biên bản và kết luận' }).click();
      await page.getByLabel('Số người dự tại hội trường chính').fill('200');
      await page.getByLabel('Số người dự tại Điểm cầu huyện Sơn Dương').fill('120');
      const total = page.getByTestId('attendance-total');
      await total.filter({ hasText: 'Tổng số người dự: 320' }).waitFor();
      await expect(total.textContent()).resolves.toContain('Chưa nhập số người của: Điểm cầu huyện Yên Sơn.');
      await page.getByLabel('Số người dự tại Điểm cầu huyện Yên Sơn').fill('80');
      await total.filter({ hasText: 'Tổng số người dự: 400' }).waitFor();
      await fits(page, 'secretariat attendance at 360px');
      await screenshot(page, 'secretariat-venue-attendance-360');
      await page.getByRole('button', { name: 'Lưu vào biên bản' }).click();
      await page.getByRole('status').filter({ hasText: 'Đã lưu.' }).waitFor();

      const venues = (await t.app.inject({ url: `/api/sessions/${linked.id}/venues`, headers: auth(sec.token) })).json() as Venue[];
      expect(venues.map((v) => v.attendance)).toEqual([120, 80]);
      const html = (await t.app.inject({ url: `/api/sessions/${linked.id}/minutes.html`, headers: auth(sec.token) })).body.replace(/<[^>]+>/g, '');
      const docx = await t.app.inject({ url: `/api/sessions/${linked.id}/minutes.docx`, headers: auth(sec.token) });
      const xml = await (await JSZip.loadAsync(docx.rawPayload)).file('word/document.xml')!.async('string');
      const words = [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
      for (const text of [html, words]) {
        expect(text).toContain('Công dân tham dự tại hội trường chính: 200 người;');
        expect(text).toContain('+ Điểm cầu huyện Sơn Dương: 120 người tham dự;');
        expect(text).toContain('+ Điểm cầu huyện Yên Sơn: 80 người tham dự;');
        expect(text).toContain('Tổng số người tham dự tại hội trường chính và các điểm cầu: 400 người;');
      }
      // The statistics tab shows the same total, and the counts by venue.
      await page.getByRole('tab', { name: 'Thống kê' }).click();
      await page.getByTestId('attendance-total').filter({ hasText: '400' }).waitFor();
      // Main hall: 1 question, none on stage, 200 people; each venue: 1 question and its count.
      const row = async (id: string) => (await page.locator(`tr[data-venue-id="${id}"] > *`).allTextContents()).map((x) => x.trim());
      await expect(row('main')).resolves.toEqual(['Hội trường chính', '1', '0', '200']);
      await expect(row(String(halls[0]!.id))).resolves.toEqual(['Điểm cầu huyện Sơn Dương', '1', '0', '120']);
      await expect(row(String(halls[1]!.id))).resolves.toEqual(['Điểm cầu huyện Yên Sơn', '1', '0', '80']);
      await fits(page, 'statistics at 360px');
      expect(pageErrors).toEqual([]);
    });

    it('shows a participant who joined by a venue code the venue, discreetly', async () => {
      const page = await newPage(browser, t.url, PHONE);
      await page.goto(`/j/${halls[1]!.code}`);
      await page.getByLabel('Họ và tên').fill('Chị Bàn Thị Mây');
      await page.getByRole('button', { name: 'Vào hội nghị' }).click();
      await page.getByRole('heading', { name: linked.title }).waitFor();
      await expect(page.getByTestId('my-venue').textContent()).resolves.toBe('Điểm cầu: Điểm cầu huyện Yên Sơn');
      // Still there after a reload (the snapshot carries it).
      await page.reload();
      await page.getByTestId('my-venue').filter({ hasText: 'Điểm cầu huyện Yên Sơn' }).waitFor();
      await fits(page, 'participant at 360px');
      await screenshot(page, 'participant-venue-360');
      // Joined with the session's own code: no venue line.
      const hall = await newPage(browser, t.url, PHONE);
      await hall.goto(`/j/${linked.code}`);
      await hall.getByRole('button', { name: 'Vào hội nghị' }).click();
      await hall.getByRole('heading', { name: linked.title }).waitFor();
      await hall.waitForLoadState('networkidle');
      expect(await hall.getByTestId('my-venue').count()).toBe(0);
      expect(pageErrors).toEqual([]);
    });

    it("shows the leader a floor question's channel and venue, and an anonymous slip without its author; the public record too", async () => {
      const leader = await createStaff(t, 'leader');
      const floor = await ask(t.adminToken, 'Phát biểu: xin hỗ trợ làm chuồng trại chăn nuôi tập trung', {
        channel: 'floor',
        venueId: halls[1]!.id,
        personName: 'Ông Hà Văn Thắng',
        locality: 'Xã Trung Sơn',
      });
      const slip = await ask(t.adminToken, 'Phiếu: đề nghị làm rõ khoản thu quỹ xây dựng thôn', {
        channel: 'paper',
        venueId: halls[0]!.id,
        personName: 'Bà Nông Thị Sen',
        locality: 'Xã Hợp Thành',
        anonymous: true,
      });
      for (const q of [floor, slip, fromMainHall, ...fromVenues]) expect((await moderate(q.id, { action: 'approve' })).statusCode).toBe(200);
      expect((await moderate(floor.id, { action: 'stage' })).statusCode).toBe(200);

      // The central desk's "each venue in turn": one per hall a round, Yên Sơn (on stage once already) last, each hall's oldest first.
      const desk = await newPage(browser, t.url, LAPTOP);
      await signIn(desk, 'admin', ADMIN_PASSWORD);
      await desk.goto(`/moderate/${linked.id}`);
      await desk.getByRole('tab', { name: /Đã duyệt/ }).click();
      await desk.getByLabel('Sắp xếp').selectOption({ label: 'Lần lượt từng điểm cầu' });
      await expect(desk.locator('.turns li[data-venue-id="' + halls[1]!.id + '"]').textContent()).resolves.toBe('Điểm cầu huyện Yên Sơn: đã lên màn hình: 1');
      const order = (await desk.locator('.queue [data-question-id] .text').allTextContents()).map((x) => x.slice(0, 12));
      expect(order).toEqual(['Phát biểu: x', 'Hội trường c', 'Sơn Dương hỏ', 'Yên Sơn hỏi:', 'Phiếu: đề ng']);
      await desk.context().close();

      for (const size of [PHONE, LAPTOP]) {
        const page = await newPage(browser, t.url, size);
        await signIn(page, leader.user.username, `pw-${leader.user.username}-secret`);
        await page.goto(`/leader/${linked.id}`);
        const stage = page.locator('section.stage');
        await stage.getByText('chuồng trại chăn nuôi').waitFor();
        await expect(stage.locator('[data-channel="floor"]').textContent()).resolves.toBe('Phát biểu tại hội trường');
        await expect(stage.locator('[data-venue]').textContent()).resolves.toBe('Điểm cầu huyện Yên Sơn');
        await expect(stage.textContent()).resolves.toContain('Ông Hà Văn Thắng');
        const next = page.locator('section.next li').filter({ hasText: 'quỹ xây dựng thôn' });
        await expect(next.locator('[data-channel="paper"]').textContent()).resolves.toBe('Phiếu câu hỏi');
        await expect(next.locator('[data-venue]').textContent()).resolves.toBe('Điểm cầu huyện Sơn Dương');
        await expect(next.textContent()).resolves.toContain('Ẩn danh');
        const body = (await page.locator('body').textContent()) ?? '';
        for (const hidden of ['Nông Thị Sen', 'Hợp Thành']) expect(body).not.toContain(hidden);
        await fits(page, `leader at ${size.width}px`);
        await screenshot(page, `leader-venue-channel-${size.width}`);
        await page.context().close();
      }

      await moderate(floor.id, { action: 'answered' });
      await t.app.inject({ method: 'PATCH', url: `/api/sessions/${linked.id}`, headers: auth(t.adminToken), payload: { status: 'closed' } });
      const pub = await newPage(browser, t.url, PHONE);
      await pub.goto(`/public/${linked.id}`);
      const item = pub.locator('li.card').filter({ hasText: 'chuồng trại chăn nuôi' });
      await expect(item.locator('[data-channel="floor"]').textContent()).resolves.toBe('Phát biểu tại hội trường');
      await expect(item.locator('[data-venue]').textContent()).resolves.toBe('Điểm cầu huyện Yên Sơn');
      const phoneItem = pub.locator('li.card').filter({ hasText: 'kênh mương nội đồng' });
      await expect(phoneItem.locator('[data-venue]').textContent()).resolves.toBe('Hội trường chính');
      expect(await phoneItem.locator('[data-channel]').count()).toBe(0);
      const all = (await pub.locator('body').textContent()) ?? '';
      for (const hidden of ['Nông Thị Sen', 'Hà Văn Thắng', 'Triệu Thị Hoa', 'Hợp Thành']) expect(all).not.toContain(hidden);
      await fits(pub, 'public record at 360px');
      await screenshot(pub, 'public-venue-channel-360');
      expect(pageErrors).toEqual([]);
    });
  });
});
