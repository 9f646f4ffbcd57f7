import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/schemas/entities';
import { createSession, createTestApp, type TestApp } from '../helpers/app';
import { LAPTOP, launchBrowser, newPage, pageErrors, screenshot, signIn } from '../helpers/browser';
import { runRegister, vn, type RegisterFixture } from '../helpers/opinions-register';

/** The period report, the carry-over and the statutory checklist, as the secretariat and the leader use them. */
describe('opinions report, carry-over and deadlines in the browser', { timeout: 90_000 }, () => {
  let t: TestApp;
  let f: RegisterFixture;
  let browser: Browser;
  let next: Session;

  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
    f = await runRegister(t);
    // The next dialogue with the youth of the province, prepared for 20 October 2030: its deadlines lie ahead.
    next = await createSession(t, 'open', { title: 'Đối thoại với thanh niên năm 2030', audience: 'Thanh niên', startsAt: vn('2030-10-20 08:00'), unitId: f.units.a, audienceGroup: 'youth' });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the period report with its tables and charts, and downloads the Word report', async () => {
    const page = await newPage(browser, t.url, LAPTOP);
    await signIn(page, f.usernames.sec, `pw-${f.usernames.sec}-secret`);
    await page.getByRole('link', { name: 'Báo cáo ý kiến, kiến nghị theo kỳ' }).click();
    await page.getByRole('heading', { name: 'Báo cáo ý kiến, kiến nghị theo kỳ' }).waitFor();
    await page.getByTestId('report-unit').selectOption({ label: 'ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG' });
    await page.getByTestId('report-preset').selectOption('range');
    await page.getByTestId('report-from').fill('2026-08-01');
    await page.getByTestId('report-to').fill('2026-09-30');
    await page.getByRole('button', { name: 'Xem báo cáo' }).click();
    await page.getByTestId('report-overview').waitFor();
    expect(await page.getByTestId('fig-received').textContent()).toBe('8');
    expect(await page.getByTestId('fig-after').textContent()).toBe('6');
    expect(await page.getByTestId('fig-dialogues').textContent()).toBe('2');
    await expect.poll(() => page.getByTestId('report-overview').textContent()).toContain('Ông Nguyễn Văn Sơn, Chủ tịch UBND tỉnh');
    // The totals rows add up to the matters after merging; the rows are there with "not classified" its own.
    const fieldTotals = await page.getByTestId('table-field').locator('tfoot td').allTextContents();
    expect(fieldTotals).toEqual(['6', '2', '1', '1', '0', '0', '2']);
    expect(await page.getByTestId('table-field').locator('tbody th').allTextContents()).toContain('Chưa phân loại');
    const agencyRow = page.getByTestId('table-agency').locator('tbody tr', { hasText: 'Sở Giáo dục và Đào tạo' });
    expect(await agencyRow.locator('td').allTextContents()).toEqual(['1', '0', '1', '0', '0']);
    expect(await page.getByTestId('table-agency').locator('tfoot td').allTextContents()).toEqual(['6', '2', '1', '3', '0']);
    // The charts: plain SVG bars.
    expect(await page.locator('figure.chart svg rect').count()).toBeGreaterThan(5);
    await expect.poll(() => page.getByTestId('report-carry-over').textContent()).toContain('2 ý kiến nhận trước ngày');
    await screenshot(page, 'opinions-report');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tải báo cáo (.docx)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^Báo cáo - Kết quả tiếp nhận, giải quyết ý kiến, kiến nghị của Nhân dân từ ngày 01\/08\/2026|^Báo cáo - Kết quả/);

    // A quarter by its name; an empty commune period says so.
    await page.getByTestId('report-preset').selectOption('quarter');
    await page.getByTestId('report-year').fill('2026');
    await page.getByTestId('report-quarter').selectOption('3');
    await page.getByRole('button', { name: 'Xem báo cáo' }).click();
    await expect.poll(() => page.getByTestId('fig-received').textContent()).toBe('10');
    expect(await page.getByTestId('report-carry-over').textContent()).toContain('Không có ý kiến nào từ kỳ trước');
    expect(pageErrors).toEqual([]);
  });

  it('shows the carry-over and the statutory checklist to the secretariat of the next dialogue, and the carry-over to its leader', async () => {
    const page = await newPage(browser, t.url, LAPTOP);
    await signIn(page, f.usernames.sec, `pw-${f.usernames.sec}-secret`);
    await page.goto(`/secretariat/${next.id}`);
    await page.getByRole('tab', { name: 'Biên bản và kết luận' }).click();
    const carry = page.getByTestId('carry-over');
    await carry.getByRole('heading', { name: 'Kết quả thực hiện kết luận tại hội nghị đối thoại lần trước' }).waitFor();
    await expect.poll(() => carry.textContent()).toContain('Khởi công nâng cấp đường liên xã Hòa Bình - Kim Phú');
    expect(await carry.textContent()).toContain('Đối thoại với thanh niên tháng 9');
    expect(await carry.textContent()).toContain('Cam kết: 1 (đã hoàn thành 0)');

    const plan = page.getByTestId('deadline-plan');
    await expect.poll(() => plan.textContent()).toContain('Chưa đến hạn');
    expect(await page.getByTestId('deadline-announce').count()).toBe(0);
    await page.getByTestId('deadline-plan-date').fill('2030-09-25');
    await page.getByRole('button', { name: 'Lưu các ngày' }).click();
    await expect.poll(() => plan.textContent()).toContain('Trễ hạn');
    await screenshot(page, 'carry-over-deadlines');

    const leader = await newPage(browser, t.url, LAPTOP);
    await signIn(leader, f.usernames.leader, `pw-${f.usernames.leader}-secret`);
    await leader.goto(`/leader/${next.id}`);
    await expect.poll(() => leader.getByTestId('carry-over').textContent()).toContain('Lưới điện thôn Đồng Mới chập chờn');
    expect(pageErrors).toEqual([]);
  });
});
