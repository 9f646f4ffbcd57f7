import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/schemas/entities';
import { createSession, createTestApp, type TestApp } from '../helpers/app';
import { launchBrowser, newPage, pageErrors, PHONE, screenshot } from '../helpers/browser';

/**
 * A citizen on a 360 px phone types their commune without diacritics on the
 * join form, picks it from the suggestions with the keyboard, and joins:
 * the participant is stored with the official code and label.
 */
describe('the locality picker on the join form', { timeout: 60_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let session: Session;

  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
    session = await createSession(t, 'live', { title: 'Đối thoại với nông dân xã Tân Trào' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const stored = (name: string) =>
    t.db.$client.prepare('select locality, locality_code as localityCode from participants where display_name = ?').get(name) as
      | { locality: string | null; localityCode: string | null }
      | undefined;

  it('suggests "Xã Tân Trào, tỉnh Tuyên Quang" for "tan trao", chosen with the arrows and Enter, and joins with its code', async () => {
    const page = await newPage(browser, t.url, PHONE);
    await page.goto(`/j/${session.code}`);
    await page.getByLabel('Họ và tên').fill('Hoàng Văn Thụ');
    const input = page.getByRole('combobox', { name: 'Địa phương (xã, phường)' });
    await input.click();
    await input.pressSequentially('tan trao', { delay: 40 });
    const list = page.getByRole('listbox', { name: 'Gợi ý địa phương' });
    await list.waitFor();
    await expect.poll(() => input.getAttribute('aria-expanded')).toBe('true');
    const first = list.getByRole('option').first();
    await expect.poll(() => first.innerText()).toContain('Xã Tân Trào');
    expect(await first.innerText()).toContain('Tỉnh Tuyên Quang');

    // The list fits the phone's width: nothing sticks out to the side.
    const box = (await list.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'locality-picker-phone');

    // Keyboard: down highlights the first suggestion (announced through aria-activedescendant), Enter chooses it.
    await input.press('ArrowDown');
    await expect.poll(() => first.getAttribute('aria-selected')).toBe('true');
    expect(await input.getAttribute('aria-activedescendant')).toBe(await first.getAttribute('id'));
    await input.press('Enter');
    await expect.poll(() => input.inputValue()).toBe('Xã Tân Trào, tỉnh Tuyên Quang');
    expect(await list.isVisible()).toBe(false);
    await page.getByText('Đã chọn theo danh mục: Xã Tân Trào, tỉnh Tuyên Quang (mã 02545)').waitFor();
    // Enter chose; it did not submit the form.
    expect(stored('Hoàng Văn Thụ')).toBeUndefined();

    await page.getByRole('button', { name: 'Vào hội nghị' }).click();
    await page.getByRole('heading', { name: session.title }).waitFor();
    expect(stored('Hoàng Văn Thụ')).toEqual({ locality: 'Xã Tân Trào, tỉnh Tuyên Quang', localityCode: '02545' });
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it('keeps free text when nothing is chosen, and Escape closes the suggestions', async () => {
    const page = await newPage(browser, t.url, PHONE);
    await page.goto(`/j/${session.code}`);
    await page.getByLabel('Họ và tên').fill('Ma Thị Lan');
    const input = page.getByRole('combobox', { name: 'Địa phương (xã, phường)' });
    await input.click();
    await input.pressSequentially('tan tr', { delay: 40 });
    const list = page.getByRole('listbox', { name: 'Gợi ý địa phương' });
    await list.waitFor();
    await input.press('Escape');
    await expect.poll(() => list.isVisible()).toBe(false);
    await input.pressSequentially('ao, thôn Tân Lập', { delay: 20 });
    await input.press('Escape');
    await page.getByRole('button', { name: 'Vào hội nghị' }).click();
    await page.getByRole('heading', { name: session.title }).waitFor();
    expect(stored('Ma Thị Lan')).toEqual({ locality: 'tan trao, thôn Tân Lập', localityCode: null });
    await page.context().close();
  });
});
