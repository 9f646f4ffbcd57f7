import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Question, Session } from '../../shared/schemas/entities';
import { ADMIN_PASSWORD, auth, createSession, createTestApp, joinSession, setStatus, type TestApp } from '../helpers/app';
import { launchBrowser, newPage, pageErrors, screenshot } from '../helpers/browser';

/**
 * Every view at a phone, a tablet, a laptop and a projector: nothing wider
 * than the screen (a name as long as allowed included), the big screen on one
 * screen, and the closed state everywhere. Screenshots of each in
 * test-artifacts/screenshots/vp-*.
 */
const SIZES = {
  phone: { width: 360, height: 740 },
  tablet: { width: 768, height: 1024 },
  laptop: { width: 1366, height: 768 },
  projector: { width: 1920, height: 1080 },
} as const;
type Size = keyof typeof SIZES;

describe('every view at every size', { timeout: 120_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let session: Session;
  let staffState: Awaited<ReturnType<BrowserContext['storageState']>>;
  let citizenState: Awaited<ReturnType<BrowserContext['storageState']>>;
  const longName = 'Nguyễn Thị Phương Thảo Hoàng Lê Minh Châu '.repeat(4).slice(0, 120); // the longest a name may be

  const widthFits = async (page: Page, what: string) => {
    const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
    expect(scroll, `${what}: ${scroll}px wide on a ${width}px screen`).toBeLessThanOrEqual(width);
  };

  /** Everything of the big screen inside the viewport, nothing cut at the bottom. */
  const displayFits = async (page: Page, what: string) => {
    const r = await page.evaluate(() => {
      const root = document.querySelector('.display')!;
      let bottom = 0;
      for (const el of root.querySelectorAll('h1, h2, p, li, img')) bottom = Math.max(bottom, el.getBoundingClientRect().bottom);
      return { bottom, height: window.innerHeight, scroll: document.documentElement.scrollHeight };
    });
    expect(r.scroll, `${what}: page ${r.scroll}px tall on a ${r.height}px screen`).toBeLessThanOrEqual(r.height);
    expect(r.bottom, `${what}: content reaches ${r.bottom}px on a ${r.height}px screen`).toBeLessThanOrEqual(r.height);
  };

  const views = () => [
    ['landing', '/', null, 'Tham gia hội nghị đối thoại'],
    ['participant', `/j/${session.code}`, 'citizen', session.title],
    ['moderator', `/moderate/${session.id}`, 'staff', session.title],
    ['leader', `/leader/${session.id}`, 'staff', session.title],
    ['secretariat', `/secretariat/${session.id}`, 'staff', session.title],
    ['display', `/display/${session.id}`, 'staff', session.title],
    ['staff', '/staff', 'staff', 'Các hội nghị'],
    ['admin', '/admin', 'staff', 'Quản trị'],
    ['public', '/public', null, null],
  ] as const;

  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
    session = await createSession(t, 'live', {
      title: 'Hội nghị đối thoại giữa Chủ tịch UBND tỉnh với thanh niên, nông dân và doanh nghiệp năm 2026 về đất đai, vốn vay và việc làm',
      place: 'Hội trường lớn Trung tâm Hội nghị tỉnh Tuyên Quang',
      moderation: 'post',
    });
    const texts = [
      'Bao giờ xã tôi được cấp sổ đỏ cho các hộ đã sử dụng đất ổn định từ năm 1993? Hồ sơ đã nộp hơn hai năm chưa có kết quả, đề nghị lãnh đạo tỉnh chỉ đạo giải quyết dứt điểm.',
      'Thanh niên khởi nghiệp có được vay vốn ưu đãi không cần thế chấp không?',
      'Đường liên xã Tân Trào xuống cấp nghiêm trọng, bao giờ được sửa?',
      'Giá phân bón tăng cao, tỉnh có chính sách hỗ trợ nông dân không?',
      'Trường mầm non xã thiếu phòng học, các cháu phải học nhờ nhà văn hóa thôn.',
      'Bệnh viện huyện thiếu bác sĩ chuyên khoa, người dân phải lên tuyến tỉnh khám.',
      'Công nhân khu công nghiệp Long Bình An cần nhà ở xã hội, bao giờ có?',
    ];
    // A linked venue with a name as long as allowed: its badge on the desk, the leader's screen and the public record wraps.
    const venue = await t.app.inject({
      method: 'POST',
      url: `/api/sessions/${session.id}/venues`,
      headers: auth(t.adminToken),
      payload: { name: `Điểm cầu ${longName}`.slice(0, 200) },
    });
    expect(venue.statusCode).toBe(201);
    const asked: Question[] = [];
    for (const [i, text] of texts.entries()) {
      const p = await joinSession(t, session.code, { displayName: i === 0 ? longName : `Người dân ${i}`, locality: i === 0 ? longName : 'Xã Yên Phú' });
      const res = await t.app.inject({ method: 'POST', url: `/api/sessions/${session.id}/questions`, headers: auth(p.token), payload: { text } });
      asked.push(res.json() as Question);
    }
    // A question raised on the floor of the venue, shown with its channel and venue.
    const floor = await t.app.inject({
      method: 'POST',
      url: `/api/sessions/${session.id}/questions`,
      headers: auth(t.adminToken),
      payload: { text: 'Xin hỏi về đền bù giải phóng mặt bằng đường cao tốc', channel: 'floor', venueId: venue.json().id, personName: longName },
    });
    asked.push(floor.json() as Question);
    await t.app.inject({ method: 'POST', url: `/api/questions/${asked[0]!.id}/moderate`, headers: auth(t.adminToken), payload: { action: 'stage' } });
    browser = await launchBrowser();

    // Signed-in staff and a joined citizen (with the long name), reused at every size.
    const staff = await newPage(browser, t.url, SIZES.laptop);
    await staff.goto('/login');
    await staff.getByLabel('Tên đăng nhập').fill('admin');
    await staff.getByLabel('Mật khẩu').fill(ADMIN_PASSWORD);
    await staff.getByRole('button', { name: 'Đăng nhập' }).click();
    await staff.getByRole('heading', { name: 'Các hội nghị' }).waitFor();
    staffState = await staff.context().storageState();
    await staff.context().close();
    const citizen = await newPage(browser, t.url, SIZES.phone);
    await citizen.goto(`/j/${session.code}`);
    await citizen.getByLabel('Họ và tên').fill(longName);
    await citizen.getByRole('button', { name: 'Vào hội nghị' }).click();
    await citizen.getByRole('heading', { name: session.title }).waitFor();
    citizenState = await citizen.context().storageState();
    await citizen.context().close();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const visit = async (size: Size, state: 'live' | 'closed') => {
    for (const [name, path, who, heading] of views()) {
      const page = await newPage(browser, t.url, SIZES[size], who === 'staff' ? staffState : who === 'citizen' ? citizenState : undefined);
      await page.goto(path);
      if (heading) await page.getByRole('heading', { name: heading }).first().waitFor();
      // The desk as a moderator works it: a question chosen, its detail panel and every button open
      // (the pending tab is empty in a post-moderated session, which measured nothing).
      if (name === 'moderator') {
        await page.getByRole('tab', { name: /Đã duyệt/ }).click();
        await page.locator('.items [data-question-id]').first().click();
        await page.locator('.detail').waitFor();
      }
      await page.waitForLoadState('networkidle');
      const what = `${name} at ${SIZES[size].width}×${SIZES[size].height} (${state})`;
      await widthFits(page, what);
      // The big screen is made for a projector (a phone scrolls it like any page).
      if (name === 'display' && (size === 'laptop' || size === 'projector')) await displayFits(page, what);
      if (state === 'closed') {
        if (name === 'participant') await page.getByText('Hội nghị đã kết thúc. Cảm ơn bạn đã tham gia.').waitFor();
        if (name === 'leader') await page.getByText('Hội nghị đã kết thúc. Không còn câu hỏi chờ trả lời').waitFor();
        if (name === 'display') {
          await page.getByText('Hội nghị đã kết thúc', { exact: true }).waitFor();
          expect(await page.getByRole('img', { name: /QR/ }).count(), what).toBe(0);
          expect(await page.getByText('Gửi câu hỏi tại').count(), what).toBe(0);
        }
        if (name === 'participant' || name === 'leader' || name === 'display') {
          expect(await page.getByText('Đang trả lời', { exact: true }).count(), `${what}: a question still "being answered"`).toBe(0);
        }
      }
      await screenshot(page, `vp-${state}-${name}-${SIZES[size].width}x${SIZES[size].height}`, name !== 'display');
      await page.context().close();
    }
  };

  for (const size of Object.keys(SIZES) as Size[]) {
    it(`live, at ${SIZES[size].width}×${SIZES[size].height}`, () => visit(size, 'live'));
  }

  // One test per size, like the live ones: each gets the whole timeout (a loaded machine takes ~70 s for one size).
  let closed = false;
  for (const size of Object.keys(SIZES) as Size[]) {
    it(`closed, at ${SIZES[size].width}×${SIZES[size].height}`, async () => {
      if (!closed) {
        await setStatus(t, session.id, 'closed');
        closed = true;
      }
      await visit(size, 'closed');
    });
  }

  it('raised no error in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
