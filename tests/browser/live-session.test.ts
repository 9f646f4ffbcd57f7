import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/schemas/entities';
import type { Question } from '../../shared/schemas/entities';
import { auth, createSession, createStaff, createTestApp, joinSession, type TestApp } from '../helpers/app';
import { LAPTOP, launchBrowser, newPage, pageErrors, PHONE, PROJECTOR, screenshot, unexpectedDialogs } from '../helpers/browser';

/**
 * A whole session driven from browsers: citizens on phones, a moderator on a
 * laptop, the projector. Each step depends on the previous one.
 */
describe('a dialogue session in the browser', { timeout: 60_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let session: Session;
  let mod: { username: string; password: string };
  let alice: Page;
  let bob: Page;
  let moderator: Page;
  let questionId: number;
  const QUESTION = '<script>alert("xss")</script> Đường liên xã Hòa Bình xuống cấp nghiêm trọng, khi nào tỉnh sửa chữa?';

  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
    session = await createSession(t, 'live', {
      title: 'Đối thoại giữa Chủ tịch UBND tỉnh với thanh niên năm 2026',
      place: 'Hội trường UBND tỉnh Tuyên Quang',
      anonymousAllowed: true,
      panel: [{ name: 'Nguyễn Văn Sơn', title: 'Chủ tịch UBND tỉnh', agency: 'UBND tỉnh' }],
    });
    const staff = await createStaff(t, 'moderator');
    mod = { username: staff.user.username, password: `pw-${staff.user.username}-secret` };
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the landing page and takes a join code', async () => {
    const page = await newPage(browser, t.url, PHONE);
    await page.goto('/');
    await page.getByRole('heading', { name: 'Tham gia hội nghị đối thoại' }).waitFor();
    await screenshot(page, '01-landing-phone');
    await page.getByLabel('Mã hội nghị').fill(session.code.toLowerCase());
    await page.getByRole('button', { name: 'Tham gia', exact: true }).click();
    await page.waitForURL(`**/j/${session.code}`);
    // The join page names the conference before anything is typed.
    await page.getByRole('heading', { name: session.title }).waitFor();
    await page.context().close();
  });

  it('lets a citizen join by /j/<CODE> with a profile and ask a question', async () => {
    alice = await newPage(browser, t.url, PHONE);
    await alice.goto(`/j/${session.code}`);
    await alice.getByLabel('Họ và tên').fill('Nguyễn Thị Lan');
    await alice.getByLabel('Địa phương (xã, phường)').fill('Xã Hòa Bình');
    await alice.getByLabel('Nhóm').selectOption('youth');
    await screenshot(alice, '02-participant-join');
    await alice.getByRole('button', { name: 'Vào hội nghị' }).click();
    await alice.getByRole('heading', { name: session.title }).waitFor();

    await alice.getByLabel('Câu hỏi của bạn').fill(QUESTION);
    await alice.getByRole('button', { name: 'Gửi câu hỏi' }).click();
    await alice.getByText('Câu hỏi đang chờ ban tổ chức duyệt').waitFor();
    await alice.getByText(/Mã tra cứu: [A-Z0-9]{10}/).first().waitFor();
    await alice.getByRole('tab', { name: 'Của tôi' }).click();
    const mine = alice.locator('article[data-question-id]').first();
    questionId = Number(await mine.getAttribute('data-question-id'));
    expect(questionId).toBeGreaterThan(0);
    await mine.getByText('Chờ duyệt').waitFor();
    await screenshot(alice, '03-participant-asked');

    // A reload keeps the same identity: the question is still "mine".
    await alice.reload();
    await alice.getByRole('tab', { name: 'Của tôi' }).click();
    await alice.locator(`article[data-question-id="${questionId}"]`).waitFor();
  });

  it('lets a moderator sign in and approve it from the keyboard', async () => {
    moderator = await newPage(browser, t.url, LAPTOP);
    await moderator.goto('/login');
    await screenshot(moderator, '04-login');
    await moderator.getByLabel('Tên đăng nhập').fill(mod.username);
    await moderator.getByLabel('Mật khẩu').fill(mod.password);
    await moderator.getByRole('button', { name: 'Đăng nhập' }).click();
    await moderator.getByRole('heading', { name: 'Các hội nghị' }).waitFor();
    await moderator.getByRole('heading', { name: session.title, exact: true }).waitFor();
    await screenshot(moderator, '05-staff-home');
    await moderator.locator('li', { has: moderator.getByRole('heading', { name: session.title, exact: true }) }).getByRole('link', { name: 'Điều phối' }).click();
    await moderator.waitForURL(`**/moderate/${session.id}`);
    const item = moderator.locator(`.items [data-question-id="${questionId}"]`);
    await item.waitFor();
    await item.click();
    await screenshot(moderator, '06-moderator-pending');
    await moderator.keyboard.press('a');
    await moderator.getByText(`Đã duyệt câu #${questionId}.`).waitFor();
    await alice.locator(`article[data-question-id="${questionId}"]`).getByText('Đã duyệt').waitFor();
  });

  it('shows the approved question to a second citizen, whose upvote reaches the first', async () => {
    bob = await newPage(browser, t.url, PHONE);
    const assets = new Set<string>();
    bob.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith('/assets/') && /\.(js|css)$/.test(path)) assets.add(path);
    });
    await bob.goto(`/j/${session.code}`);
    await bob.getByRole('button', { name: 'Vào hội nghị' }).click();
    const card = bob.locator(`article[data-question-id="${questionId}"]`);
    await card.waitFor();
    // Shown literally: the markup is text, and no script ran.
    expect(await card.locator('.text').innerText()).toBe(QUESTION);
    expect(await card.locator('script').count()).toBe(0);
    await card.getByRole('button', { name: 'Ủng hộ câu hỏi này' }).click();
    await card.getByRole('button', { name: 'Bỏ ủng hộ câu hỏi này' }).waitFor();
    await card.locator('.vote .count').filter({ hasText: /^1$/ }).waitFor();
    await screenshot(bob, '07-participant-voted');

    // What a citizen's phone downloads stays light: staff views are other chunks.
    const gzipped = [...assets].reduce((sum, p) => sum + gzipSync(readFileSync(join('dist/client', p))).length, 0);
    console.log(`participant page: ${assets.size} JS/CSS files, ${(gzipped / 1024).toFixed(1)} KB gzipped`);
    expect(gzipped).toBeLessThan(150 * 1024);
    expect([...assets].some((p) => /Moderator|Admin|Secretariat|Display/.test(p))).toBe(false);

    await alice.getByRole('tab', { name: 'Nhiều ủng hộ' }).click();
    await alice.locator(`article[data-question-id="${questionId}"] .vote .count`).filter({ hasText: /^1$/ }).waitFor();
  });

  it('puts the question on stage; citizens and the projector show it', async () => {
    await moderator.getByRole('tab', { name: /Đã duyệt/ }).click();
    await moderator.locator(`.items [data-question-id="${questionId}"]`).click();
    await moderator.getByRole('button', { name: /Đưa lên màn hình/ }).click();
    await moderator.locator('.onstage').getByText(QUESTION).waitFor();
    await screenshot(moderator, '08-moderator-staged');

    await bob.locator('.stage .stage-text').filter({ hasText: QUESTION }).waitFor();
    await screenshot(bob, '09-participant-stage');

    const display = await newPage(browser, t.url, PROJECTOR, await moderator.context().storageState());
    await display.goto(`/display/${session.id}`);
    await display.locator('.stage-text').filter({ hasText: QUESTION }).waitFor();
    await display.getByText(session.code, { exact: true }).waitFor();
    await display.getByRole('img', { name: 'Mã QR để tham gia hội nghị' }).waitFor();
    expect(await display.locator('.stage-text').innerText()).toBe(QUESTION);
    await screenshot(display, '10-display', false);

    const leader = await newPage(browser, t.url, LAPTOP, await moderator.context().storageState());
    await leader.goto(`/leader/${session.id}`);
    await leader.locator('.stage .text').filter({ hasText: QUESTION }).waitFor();
    await leader.getByText('Nguyễn Thị Lan').waitFor();
    await screenshot(leader, '11-leader');
    await leader.context().close();
    await display.context().close();

    expect(unexpectedDialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('tells a moderator when someone else changed the question, and refuses to act on the old version', async () => {
    const other = await t.app.inject({
      method: 'POST',
      url: `/api/questions/${questionId}/moderate`,
      headers: auth(t.adminToken),
      payload: { action: 'tag', topic: 'Giao thông' },
    });
    expect(other.statusCode).toBe(200);
    await moderator.getByText(`Câu #${questionId} vừa được người khác thay đổi`).waitFor();
    await moderator.getByRole('button', { name: /^Ưu tiên/ }).click();
    await moderator.getByText('Câu hỏi vừa được người khác thay đổi. Màn hình đã cập nhật').waitFor();
    await screenshot(moderator, '08b-moderator-conflict', false);
    // Now that the new version is on screen, the same action goes through.
    await moderator.getByRole('button', { name: /^Ưu tiên/ }).click();
    await moderator.getByRole('button', { name: /^Bỏ ưu tiên/ }).waitFor();
  });

  it('reconnects by itself after the server drops every socket, and catches up on what it missed', async () => {
    const carol = await joinSession(t, session.code);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/sessions/${session.id}/questions`,
      headers: auth(carol.token),
      payload: { text: 'Xin hỏi về học bổng cho sinh viên nghèo vượt khó?' },
    });
    const missed = res.json() as Question;
    t.app.io.local.disconnectSockets(true);
    // Approved while the citizens' sockets are down: only a fresh snapshot can show it.
    const approved = await t.app.inject({
      method: 'POST',
      url: `/api/questions/${missed.id}/moderate`,
      headers: auth(t.adminToken),
      payload: { action: 'approve' },
    });
    expect(approved.statusCode).toBe(200);
    await bob.locator(`article[data-question-id="${missed.id}"]`).waitFor();
    await bob.getByRole('status').filter({ hasText: 'Đã kết nối' }).waitFor();
    await moderator.locator(`.items [data-question-id="${missed.id}"]`).waitFor();

    // The projector at a common hall resolution, with a queue under the stage.
    const display = await newPage(browser, t.url, { width: 1366, height: 768 }, await moderator.context().storageState());
    await display.goto(`/display/${session.id}`);
    await display.locator('.queue').getByText('Xin hỏi về học bổng cho sinh viên nghèo vượt khó?').waitFor();
    await screenshot(display, '10b-display-queue', false);
    await display.context().close();
  });

  it('shows abuse and duplicate hints, merges a duplicate and rejects from the keyboard', async () => {
    const dave = await joinSession(t, session.code);
    const submit = async (text: string) => {
      const res = await t.app.inject({ method: 'POST', url: `/api/sessions/${session.id}/questions`, headers: auth(dave.token), payload: { text } });
      return res.json() as Question;
    };
    const dup = await submit('Đường liên xã Hòa Bình xuống cấp nghiêm trọng, khi nào tỉnh sửa chữa đường?');
    const rude = await submit('Mấy ông cán bộ đồ ngu, bao giờ mới làm đường?');
    await moderator.getByRole('tab', { name: /Chờ duyệt/ }).click();
    const dupItem = moderator.locator(`.items [data-question-id="${dup.id}"]`);
    await dupItem.getByText(`Có thể trùng câu #${questionId}`).waitFor();
    await moderator.locator(`.items [data-question-id="${rude.id}"]`).getByText('Có thể chứa ngôn từ không phù hợp').waitFor();
    await screenshot(moderator, '06b-moderator-hints', false);

    await dupItem.click();
    await moderator.getByLabel('Gộp vào câu số').selectOption(String(questionId));
    await moderator.getByRole('button', { name: 'Gộp', exact: true }).click();
    // A merge is asked for once more, with what it will do.
    await moderator.getByText(`Gộp câu #${dup.id} vào câu #${questionId}?`).waitFor();
    expect(t.db.$client.prepare('select status from questions where id = ?').get(dup.id)).toEqual({ status: 'pending' });
    await moderator.getByRole('button', { name: 'Gộp', exact: true }).click();
    await dupItem.waitFor({ state: 'detached' });
    await moderator.getByRole('status').getByText(`Đã gộp câu #${dup.id} vào câu #${questionId}.`).waitFor();

    await moderator.locator(`.items [data-question-id="${rude.id}"]`).click();
    await moderator.keyboard.press('r');
    await moderator.getByLabel('Lý do không duyệt').selectOption('abusive');
    await moderator.getByLabel('Lý do không duyệt').press('Enter');
    await moderator.locator(`.items [data-question-id="${rude.id}"]`).waitFor({ state: 'detached' });
    await moderator.getByRole('status').getByText(new RegExp(`Đã không duyệt câu #${rude.id} — lý do:`)).waitFor();
    // The confirmation goes by itself.
    await moderator.getByRole('status').getByText(new RegExp(`Đã không duyệt câu #${rude.id}`)).waitFor({ state: 'detached', timeout: 8000 });
    await moderator.getByRole('tab', { name: /Đã xử lý/ }).click();
    await moderator.locator(`.items [data-question-id="${rude.id}"]`).getByText('Không được duyệt').waitFor();
  });

  it('switches to English and remembers it', async () => {
    await alice.getByRole('button', { name: /EN/ }).click();
    await alice.getByRole('heading', { name: 'Ask a question' }).waitFor();
    await alice.reload();
    await alice.getByRole('heading', { name: 'Ask a question' }).waitFor();
    expect(await alice.evaluate(() => document.documentElement.lang)).toBe('en');
    await alice.getByRole('tab', { name: 'Popular' }).waitFor();
    await screenshot(alice, '12-participant-english');
    await alice.getByRole('button', { name: /VI/ }).click();
    await alice.getByRole('heading', { name: 'Đặt câu hỏi' }).waitFor();

    await moderator.getByRole('button', { name: /EN/ }).click();
    await moderator.getByRole('heading', { name: new RegExp(`^Moderation — `) }).waitFor();
    await moderator.getByRole('tab', { name: /Approved/ }).click();
    await screenshot(moderator, '13-moderator-english', false);
    await moderator.getByRole('button', { name: /VI/ }).click();
    await moderator.getByRole('heading', { name: /^Điều phối câu hỏi — / }).waitFor();
  });

  it('lets a citizen take back an upvote and withdraw an own question', async () => {
    const card = bob.locator(`article[data-question-id="${questionId}"]`);
    await card.getByRole('button', { name: 'Bỏ ủng hộ câu hỏi này' }).click();
    await card.getByRole('button', { name: 'Ủng hộ câu hỏi này' }).waitFor();
    await card.locator('.vote .count').filter({ hasText: /^0$/ }).waitFor();

    await bob.getByLabel('Câu hỏi của bạn').fill('Câu hỏi thử, tôi sẽ rút lại.');
    await bob.getByRole('button', { name: 'Gửi câu hỏi' }).click();
    await bob.getByText('Câu hỏi đang chờ ban tổ chức duyệt').waitFor();
    await bob.getByRole('tab', { name: 'Của tôi' }).click();
    const mine = bob.locator('article[data-question-id]', { hasText: 'Câu hỏi thử, tôi sẽ rút lại.' });
    await mine.getByRole('button', { name: 'Rút câu hỏi' }).click();
    await mine.getByText('Đã rút').waitFor();
  });

  it('lets the leader mark the question answered; citizens find it under Answered', async () => {
    const leader = await newPage(browser, t.url, LAPTOP, await moderator.context().storageState());
    await leader.goto(`/leader/${session.id}`);
    await leader.getByRole('button', { name: 'Đánh dấu đã trả lời' }).click();
    await leader.getByText('Chưa có câu hỏi nào trên màn hình').waitFor();
    await leader.context().close();
    await alice.getByRole('tab', { name: 'Đã trả lời' }).click();
    await alice.locator(`article[data-question-id="${questionId}"]`).getByText('Đã trả lời').waitFor();
    await alice.getByText('Chưa có câu hỏi nào đang được trả lời.').waitFor();
  });
});
