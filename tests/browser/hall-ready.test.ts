import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Question, Session } from '../../shared/schemas/entities';
import { ADMIN_PASSWORD, auth, createSession, createTestApp, joinSession, type TestApp } from '../helpers/app';
import { LAPTOP, launchBrowser, newPage, pageErrors, PHONE, PROJECTOR, screenshot, signIn } from '../helpers/browser';

/** What a real hall needs: the public address in links and QR codes, a light phone page. */
describe('ready for a real hall', { timeout: 60_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let session: Session;

  /** Nothing wider than the screen: no sideways scrolling on a phone. */
  const fitsWidth = async (page: Page) => {
    const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
    expect(scroll, `page is ${scroll}px wide on a ${width}px screen`).toBeLessThanOrEqual(width);
  };

  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
    session = await createSession(t, 'live', { title: 'Đối thoại với thanh niên xã Thái Bình', place: 'Hội trường UBND xã' });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the phone page weighs at most 150 KB as the server sends it', async () => {
    const page = await newPage(browser, t.url, PHONE);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    let bytes = 0;
    const encodings = new Map<string, string>();
    cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => {
      bytes += e.encodedDataLength;
    });
    cdp.on('Network.responseReceived', (e: { response: { url: string; headers: Record<string, string> } }) => {
      encodings.set(e.response.url, e.response.headers['content-encoding'] ?? '');
    });
    // Everything a citizen's phone loads: the join page, then the live session once joined.
    await page.goto(`/j/${session.code}`, { waitUntil: 'networkidle' });
    await page.getByRole('button', { name: 'Vào hội nghị' }).click();
    await page.getByRole('heading', { name: session.title }).first().waitFor();
    await page.waitForLoadState('networkidle');
    expect(bytes).toBeGreaterThan(10_000);
    expect(bytes, `${bytes} bytes`).toBeLessThanOrEqual(150 * 1024);
    for (const [url, enc] of encodings) if (/\/assets\/.+\.js$/.test(url)) expect(enc, url).toBe('br');
    await page.context().close();
  });

  it('the admin sets the public address, and the big screen’s link and QR code carry it', async () => {
    const admin = await newPage(browser, t.url, LAPTOP);
    await signIn(admin, 'admin', ADMIN_PASSWORD);
    await admin.goto('/admin');
    await admin.getByRole('tab', { name: 'Cài đặt' }).click();
    await admin.getByLabel('Địa chỉ truy cập cho người dân').fill('ftp://nope');
    await admin.getByRole('button', { name: 'Lưu cài đặt' }).click();
    await admin.getByRole('alert').getByText(/Giá trị cài đặt chưa hợp lệ/).waitFor();
    await admin.getByLabel('Địa chỉ truy cập cho người dân').fill('http://192.168.1.10:3000');
    await admin.getByLabel('Chữ viết tắt (trong số văn bản)').fill('UBND-VP');
    await admin.getByRole('button', { name: 'Lưu cài đặt' }).click();
    await admin.getByRole('status').getByText('Đã lưu cài đặt.').waitFor();
    expect(await t.app.services.settings.get()).toMatchObject({ publicUrl: 'http://192.168.1.10:3000', orgAbbreviation: 'UBND-VP' });
    await screenshot(admin, '60-admin-settings');

    await admin.getByRole('tab', { name: 'Hội nghị' }).click();
    await admin.getByRole('link', { name: `http://192.168.1.10:3000/j/${session.code}` }).waitFor();

    // The hall PC opened the display on localhost: the QR code still names the LAN address.
    const display = await newPage(browser, t.url.replace('127.0.0.1', 'localhost'), PROJECTOR);
    await display.goto('/login');
    await display.getByLabel('Tên đăng nhập').fill('admin');
    await display.getByLabel('Mật khẩu').fill(ADMIN_PASSWORD);
    await display.getByRole('button', { name: 'Đăng nhập' }).click();
    await display.getByRole('heading', { name: 'Các hội nghị' }).waitFor();
    await display.goto(`/display/${session.id}`);
    await display.getByText(`192.168.1.10:3000/j/${session.code}`).waitFor();
    await display.getByRole('img', { name: /QR/ }).waitFor();
    expect(await display.getByText(/localhost/).count()).toBe(0);
    await screenshot(display, '61-display-public-url', false);
    expect(pageErrors).toEqual([]);
  });

  it('a wrong code is reported at once, with a way to type another; a closed session points to its record', async () => {
    const closed = await createSession(t, 'closed', { title: 'Đối thoại với công nhân khu công nghiệp Long Bình An' });
    const page = await newPage(browser, t.url, PHONE);
    await page.goto('/j/ZZZZZZ');
    await page.getByRole('alert').getByText('Không tìm thấy hội nghị với mã này').waitFor();
    expect(await page.getByLabel('Họ và tên').count()).toBe(0); // no form to fill in for nothing
    await fitsWidth(page);
    await screenshot(page, '62-join-wrong-code-360');

    await page.getByLabel('Nhập mã khác').fill(closed.code.toLowerCase());
    await page.getByRole('button', { name: 'Tham gia' }).click();
    await page.getByRole('heading', { name: closed.title }).waitFor();
    await page.getByText('Hội nghị này đã kết thúc').waitFor();
    await fitsWidth(page);
    await screenshot(page, '63-join-closed-360');
    await page.getByRole('link', { name: 'Xem kết quả hội nghị' }).click();
    await page.waitForURL(`**/public/${closed.id}`);

    // The right code: the conference is named before anything is typed.
    await page.goto(`/j/${session.code}`);
    await page.getByRole('heading', { name: session.title }).waitFor();
    await page.getByText('Hội trường UBND xã').waitFor();
    await fitsWidth(page);
    await screenshot(page, '64-join-preview-360');
    await page.context().close();
  });

  it('leaving asks first, and the questions and tracking codes stay on the device', async () => {
    const page = await newPage(browser, t.url, PHONE);
    await page.goto(`/j/${session.code}`);
    await page.getByRole('button', { name: 'Vào hội nghị' }).click();
    await page.getByLabel('Câu hỏi của bạn').fill('Bao giờ xã Thái Bình có sân bóng cho thanh niên?');
    await page.getByRole('button', { name: 'Gửi câu hỏi' }).click();
    const tracking = (await page.getByText(/Mã tra cứu/).first().innerText()).match(/[A-Z0-9]{6,}/)?.[0];
    expect(tracking).toBeTruthy();

    await page.getByRole('button', { name: 'Rời hội nghị' }).click();
    await page.getByText('Rời hội nghị trên máy này?').waitFor();
    await page.getByRole('button', { name: 'Ở lại' }).click();
    await page.getByRole('heading', { name: session.title }).waitFor(); // still in
    await page.getByRole('button', { name: 'Rời hội nghị' }).click();
    await page.getByRole('group').getByRole('button', { name: 'Rời hội nghị' }).click();
    await page.waitForURL(/\/$/);
    await page.getByRole('heading', { name: 'Câu hỏi bạn đã gửi' }).waitFor();
    await page.getByText('Bao giờ xã Thái Bình có sân bóng cho thanh niên?').waitFor();
    await page.getByRole('link', { name: tracking! }).click();
    await page.waitForURL(`**/track/${tracking}`);
    await page.goto('/');
    await fitsWidth(page);
    await screenshot(page, '65-landing-my-questions-360');
    await page.context().close();
  });

  it('the moderator keeps what was typed across saves, saves it in one go, and a merged question leads its asker to the target', async () => {
    const s2 = await createSession(t, 'live', { title: 'Đối thoại với nông dân xã Yên Phú', moderation: 'post' });
    // A citizen asks from a phone; someone else asked the same earlier.
    const citizen = await newPage(browser, t.url, PHONE);
    await citizen.goto(`/j/${s2.code}`);
    await citizen.getByRole('button', { name: 'Vào hội nghị' }).click();
    await citizen.getByLabel('Câu hỏi của bạn').fill('Khi nào sửa đường liên xã Yên Phú?');
    await citizen.getByRole('button', { name: 'Gửi câu hỏi' }).click();
    await citizen.getByText(/Mã tra cứu/).first().waitFor();
    const other = await joinSession(t, s2.code);
    const target = (
      await t.app.inject({
        method: 'POST',
        url: `/api/sessions/${s2.id}/questions`,
        headers: auth(other.token),
        payload: { text: 'Đường liên xã Yên Phú hỏng nặng, bao giờ tỉnh sửa?' },
      })
    ).json() as Question;
    const mine = t.db.$client.prepare("select id, number from questions where session_id = ? and id != ?").get(s2.id, target.id) as { id: number; number: number };

    const mod = await newPage(browser, t.url, LAPTOP);
    await signIn(mod, 'admin', ADMIN_PASSWORD);
    await mod.goto(`/moderate/${s2.id}`);
    await mod.getByRole('tab', { name: /Đã duyệt/ }).click();
    await mod.locator(`.items [data-question-id="${target.id}"]`).click();
    // Typed, not saved yet; then the text is edited and saved: the typed topic stays.
    await mod.getByLabel('Chủ đề').fill('Giao thông');
    await mod.getByLabel('Giao cho').fill('Giám đốc Sở Xây dựng');
    await mod.getByLabel('Sửa').fill('Đường liên xã Yên Phú hỏng nặng, bao giờ tỉnh sửa chữa?');
    await mod.getByRole('button', { name: 'Lưu nội dung' }).click();
    await mod.getByRole('status').getByText(`Đã lưu nội dung câu #${target.number} (bản gốc được giữ lại).`).waitFor();
    expect(await mod.getByLabel('Chủ đề').inputValue()).toBe('Giao thông');
    expect(await mod.getByLabel('Giao cho').inputValue()).toBe('Giám đốc Sở Xây dựng');
    await mod.getByRole('button', { name: 'Lưu chủ đề, phân công và ghi chú' }).click();
    await mod.getByRole('status').getByText(`Đã lưu phân công cho câu #${target.number}.`).waitFor();
    expect(t.db.$client.prepare('select text, topic, assignee from questions where id = ?').get(target.id)).toEqual({
      text: 'Đường liên xã Yên Phú hỏng nặng, bao giờ tỉnh sửa chữa?',
      topic: 'Giao thông',
      assignee: 'Giám đốc Sở Xây dựng',
    });
    await screenshot(mod, '66-moderator-saved', false);

    // Merge the citizen's question into it, confirming.
    await mod.locator(`.items [data-question-id="${mine.id}"]`).click();
    await mod.getByLabel('Gộp vào câu số').selectOption(String(target.id));
    await mod.getByRole('button', { name: 'Gộp', exact: true }).click();
    await mod.getByRole('button', { name: 'Gộp', exact: true }).click();
    await mod.getByRole('status').getByText(`Đã gộp câu #${mine.number} vào câu #${target.number}.`).waitFor();

    // The asker sees where the question went and is taken there.
    await citizen.getByRole('tab', { name: 'Của tôi' }).click();
    await citizen.getByText(`đã được gộp vào câu #${target.number}`).waitFor();
    await citizen.getByRole('button', { name: `Xem câu #${target.number}` }).click();
    const shown = citizen.locator(`[data-question-id="${target.id}"]`);
    await shown.getByText('Đường liên xã Yên Phú hỏng nặng, bao giờ tỉnh sửa chữa?').waitFor();
    expect(await shown.evaluate((el) => el === document.activeElement)).toBe(true);
    await fitsWidth(citizen);
    await screenshot(citizen, '67-citizen-merged-link-360', false);
    await mod.context().close();
    await citizen.context().close();
  });

  it('a new session goes live in one step, without confirm boxes, and a start in the past is pointed out', async () => {
    const page = await newPage(browser, t.url, LAPTOP);
    const dialogs: string[] = [];
    page.on('dialog', (d) => dialogs.push(d.message()));
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.goto('/admin');
    await page.getByRole('button', { name: /Tạo hội nghị/ }).click();
    await page.getByLabel('Tên hội nghị').fill('Đối thoại với doanh nghiệp nhỏ và vừa');
    await page.getByLabel('Đối tượng').fill('Doanh nghiệp');
    await page.getByLabel('Thời gian bắt đầu (giờ Việt Nam)').fill('2020-01-10T08:00');
    await page.getByText('Thời gian này đã qua.').waitFor();
    await page.getByLabel('Thời gian bắt đầu (giờ Việt Nam)').fill('2027-03-10T08:00');
    expect(await page.getByText('Thời gian này đã qua.').count()).toBe(0);
    await page.getByLabel('Sau khi tạo').selectOption('live');
    await page.getByRole('button', { name: 'Tạo', exact: true }).click();
    const card = page.locator('li.card', { hasText: 'Đối thoại với doanh nghiệp nhỏ và vừa' });
    await card.getByText('Đang diễn ra').waitFor();
    expect(dialogs).toEqual([]);
    const row = t.db.$client.prepare("select status from sessions where title = 'Đối thoại với doanh nghiệp nhỏ và vừa'").get();
    expect(row).toEqual({ status: 'live' });
    await page.context().close();
  });
});
