import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Field, Opinion, Unit } from '../../shared/schemas/opinions';
import { suggestField } from '../../shared/fields';
import { ADMIN_PASSWORD, auth, createSession, createTestApp, type TestApp } from '../helpers/app';
import { LAPTOP, launchBrowser, newPage, pageErrors, screenshot, signIn, unexpectedDialogs } from '../helpers/browser';
import { runRegister, vn, type RegisterFixture } from '../helpers/opinions-register';

/**
 * The register of issue 15's two months (two units, three dialogues, a
 * reception day and letters; tests/helpers/opinions-register.ts) as the
 * secretariat works it in the browser: the filters show exactly the rows
 * the fixture says, bulk classification from the list, a locality chosen
 * from the official list in the entry form, and the admin's units view.
 */
describe('the register of a sample period in the browser', { timeout: 120_000 }, () => {
  let t: TestApp;
  let f: RegisterFixture;
  let browser: Browser;

  const api = async <T>(url: string, token = t.adminToken): Promise<T> => {
    const res = await t.app.inject({ url, headers: auth(token) });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json() as T;
  };
  const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);
  /** The opinion ids listed on the page once the count says `n`. */
  const shown = async (page: Page, n: number): Promise<number[]> => {
    await page.locator('[data-testid="reg-count"]').filter({ hasText: new RegExp(`^${n} ý kiến$`) }).waitFor();
    return sorted((await page.locator('[data-opinion-id]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-opinion-id'))))) as number[]);
  };
  const filter = (page: Page) => page.getByRole('button', { name: 'Lọc', exact: true }).click();

  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
    f = await runRegister(t);
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('filters by period, unit, source, field, level, agency and overdue: exactly the expected rows', async () => {
    const page = await newPage(browser, t.url, LAPTOP);
    await signIn(page, f.usernames.sec, `pw-${f.usernames.sec}-secret`);
    await page.goto('/register');
    // Everything: 11 opinions (the rejected question is none).
    expect(await shown(page, 11)).toEqual(sorted(Object.values(f.o)));

    // August–September of the province: its 6 dialogue opinions and the reception and letter of those months.
    const filters = page.getByRole('form', { name: 'Bộ lọc' });
    await filters.getByLabel('Từ ngày').fill('2026-08-01');
    await filters.getByLabel('Đến ngày').fill('2026-09-30');
    await filters.getByLabel('Đơn vị', { exact: true }).selectOption({ label: 'ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG' });
    await filter(page);
    const o = f.o;
    expect(await shown(page, 8)).toEqual(sorted([o.road, o.fees, o.roadAgain, o.clinic, o.jobs, o.power, o.reception, o.letterRepeat]));
    await screenshot(page, 'register-sample-period');

    // Of those, the ones entered outside a dialogue.
    await filters.getByLabel('Hội nghị', { exact: true }).selectOption({ label: 'Tiếp nhận ngoài hội nghị' });
    await filter(page);
    expect(await shown(page, 2)).toEqual(sorted([o.reception, o.letterRepeat]));

    // One dialogue, one field, one level.
    await filters.getByLabel('Hội nghị', { exact: true }).selectOption({ label: 'Đối thoại với thanh niên tháng 8' });
    await filters.getByLabel('Lĩnh vực').selectOption({ label: 'Giao thông, xây dựng, thủy lợi' });
    await filter(page);
    expect(await shown(page, 2)).toEqual(sorted([o.road, o.roadAgain]));
    await filters.getByLabel('Lĩnh vực').selectOption({ label: 'Tất cả' });
    await filters.getByLabel('Cấp thẩm quyền').selectOption({ label: 'Xã' });
    await filter(page);
    expect(await shown(page, 1)).toEqual([o.clinic]);

    // By agency typed without diacritics, across both units and all dates.
    await page.getByRole('button', { name: 'Bỏ lọc' }).click();
    await shown(page, 11);
    await filters.getByLabel('Cơ quan', { exact: true }).fill('so nong nghiep');
    await filter(page);
    expect(await shown(page, 3)).toEqual(sorted([o.reception, o.letterRepeat, o.julyReception]));

    // Overdue today: what the API says (it depends on the day the test runs), and never one already dealt with.
    await filters.getByLabel('Cơ quan', { exact: true }).fill('');
    await filters.getByLabel('Chỉ ý kiến quá hạn').check();
    await filter(page);
    const overdue = (await api<{ opinions: Opinion[] }>('/api/opinions?overdue=true', f.tokens.sec)).opinions;
    expect(overdue.map((x) => x.id)).toContain(o.julyReception);
    expect(overdue.map((x) => x.id)).not.toContain(o.fees);
    expect(await shown(page, overdue.length)).toEqual(sorted(overdue.map((x) => x.id)));
    expect(pageErrors).toEqual([]);
    expect(unexpectedDialogs).toEqual([]);
  });

  it('classifies the selected opinions in one go', async () => {
    const page = await newPage(browser, t.url, LAPTOP);
    await signIn(page, f.usernames.sec, `pw-${f.usernames.sec}-secret`);
    await page.goto('/register');
    await shown(page, 11);
    await page.getByRole('checkbox', { name: `Chọn ý kiến số ${f.o.clinic}` }).check();
    await page.getByRole('checkbox', { name: `Chọn ý kiến số ${f.o.power}` }).check();
    const bulk = page.getByRole('form', { name: 'Phân loại các ý kiến đã chọn' });
    await bulk.getByText('Đã chọn 2').waitFor();
    await bulk.getByLabel('Cấp thẩm quyền').selectOption({ label: 'Tỉnh' });
    await bulk.getByLabel('Cơ quan chủ trì').fill('Sở Y tế');
    await bulk.getByRole('button', { name: 'Áp dụng' }).click();
    await page.getByRole('status').filter({ hasText: 'Đã phân loại 2 ý kiến.' }).waitFor();
    const all = (await api<{ opinions: Opinion[] }>('/api/opinions', f.tokens.sec)).opinions;
    const by = (id: number) => all.find((x) => x.id === id)!;
    for (const id of [f.o.clinic, f.o.power]) expect(by(id)).toMatchObject({ level: 'province', leadAgency: 'Sở Y tế' });
    // The fields were kept, and nothing else changed.
    expect(by(f.o.clinic).field).toBe('Y tế');
    expect(by(f.o.jobs)).toMatchObject({ level: 'province', leadAgency: 'Sở Nội vụ' });
    await expect(page.locator(`[data-opinion-id="${f.o.clinic}"]`).textContent()).resolves.toContain('Sở Y tế');
    expect(pageErrors).toEqual([]);
  });

  it('enters a reception-day opinion with a commune chosen from the official list, typed without diacritics', async () => {
    const page = await newPage(browser, t.url, LAPTOP);
    await signIn(page, f.usernames.sec, `pw-${f.usernames.sec}-secret`);
    await page.goto('/register');
    await page.getByRole('button', { name: 'Nhập ý kiến từ kênh khác' }).click();
    const form = page.getByRole('form', { name: 'Ý kiến tiếp nhận ngoài hội nghị' });
    await form.getByLabel('Đơn vị', { exact: true }).selectOption({ label: 'ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG' });
    await form.getByLabel('Kênh tiếp nhận').selectOption({ label: 'Tiếp công dân' });
    await form.getByLabel('Ngày tiếp nhận').fill('2026-09-25');
    await form.getByLabel('Nội dung').fill('Đề nghị hỗ trợ sửa nhà văn hóa thôn sau bão');
    const locality = form.getByRole('combobox', { name: 'Địa phương (nếu có)' });
    await locality.click();
    await locality.pressSequentially('tan trao', { delay: 30 });
    const first = page.getByRole('listbox').getByRole('option').first();
    await expect.poll(() => first.innerText()).toContain('Xã Tân Trào');
    await locality.press('ArrowDown');
    await locality.press('Enter');
    await expect.poll(() => locality.inputValue()).toBe('Xã Tân Trào, tỉnh Tuyên Quang');
    await form.getByRole('button', { name: 'Lưu ý kiến' }).click();
    await form.getByTestId('created-code').waitFor();
    const entered = (await api<{ opinions: Opinion[] }>('/api/opinions?source=entered', f.tokens.sec)).opinions;
    const made = entered.find((x) => x.text.includes('nhà văn hóa thôn'))!;
    expect(made).toMatchObject({ channel: 'reception', localityCode: '02545', locality: 'Xã Tân Trào, tỉnh Tuyên Quang', unitId: f.units.a });
    expect(pageErrors).toEqual([]);
  });

  it("lets the admin add a unit and edit one; the secretariat's lists offer it", async () => {
    const page = await newPage(browser, t.url, LAPTOP);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Đơn vị tổ chức' }).click();
    await page.getByRole('heading', { name: 'Đơn vị tổ chức' }).waitFor();
    await page.getByRole('button', { name: 'Thêm đơn vị' }).click();
    const form = page.getByTestId('unit-form');
    await form.getByLabel('Tên đơn vị (như in trên văn bản)').fill('BAN TUYÊN GIÁO VÀ DÂN VẬN');
    await form.getByLabel('Chữ viết tắt').fill('BTGDV');
    await form.getByLabel('Cơ quan cấp trên (in phía trên tên)').fill('TỈNH ỦY TUYÊN QUANG');
    await form.getByLabel('Địa danh (dòng ngày tháng)').fill('Tuyên Quang');
    await form.getByRole('button', { name: 'Tạo đơn vị' }).click();
    await page.getByRole('status').filter({ hasText: 'Đã tạo đơn vị BAN TUYÊN GIÁO VÀ DÂN VẬN.' }).waitFor();
    let units = await api<Unit[]>('/api/units');
    const made = units.find((u) => u.abbreviation === 'BTGDV')!;
    expect(made).toMatchObject({ name: 'BAN TUYÊN GIÁO VÀ DÂN VẬN', parentName: 'TỈNH ỦY TUYÊN QUANG', place: 'Tuyên Quang' });
    // Edit the commune's abbreviation in place.
    const commune = page.locator(`li[data-unit-id="${f.units.b}"]`);
    await commune.getByRole('button', { name: 'Sửa' }).click();
    await commune.getByLabel('Mã đơn vị hành chính').fill('02608');
    await commune.getByRole('button', { name: 'Lưu' }).click();
    await page.getByRole('status').filter({ hasText: 'Đã lưu đơn vị ỦY BAN NHÂN DÂN XÃ HÒA BÌNH.' }).waitFor();
    units = await api<Unit[]>('/api/units');
    expect(units.find((u) => u.id === f.units.b)!.code).toBe('02608');
    await screenshot(page, 'units-admin');

    // The register's unit filter lists the new unit.
    const sec = await newPage(browser, t.url, LAPTOP);
    await signIn(sec, f.usernames.sec, `pw-${f.usernames.sec}-secret`);
    await sec.goto('/register');
    await shown(sec, 12);
    await expect(sec.getByRole('form', { name: 'Bộ lọc' }).getByLabel('Đơn vị', { exact: true }).locator('option').allTextContents()).resolves.toContain('BAN TUYÊN GIÁO VÀ DÂN VẬN');
    expect(pageErrors).toEqual([]);
  });

  it('lets the admin add a field with its suggesting phrases, rename one and retire it; the register stops offering it', async () => {
    const page = await newPage(browser, t.url, LAPTOP);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.goto('/units');
    const panel = page.getByRole('region', { name: 'Lĩnh vực' });
    await panel.locator('[data-field-id]').first().waitFor();
    expect(await panel.locator('[data-field-id]').count()).toBe(12);
    await panel.getByRole('button', { name: 'Thêm lĩnh vực' }).click();
    const form = panel.getByTestId('field-form');
    await form.getByLabel('Tên lĩnh vực').fill('Thủy sản');
    await form.getByLabel('Cụm từ gợi ý (cách nhau bởi dấu ;)').fill('Nuôi cá lồng; thủy sản');
    await form.getByRole('button', { name: 'Tạo lĩnh vực' }).click();
    await panel.getByRole('status').filter({ hasText: 'Đã tạo lĩnh vực Thủy sản.' }).waitFor();
    let fields = await api<Field[]>('/api/fields');
    const made = fields.find((x) => x.name === 'Thủy sản')!;
    expect(made).toMatchObject({ keywords: ['nuoi ca long', 'thuy san'], active: true });
    // The desk's suggestion now knows it.
    expect(suggestField('Bà con nuôi cá lồng trên sông Lô cần hỗ trợ', fields)?.name).toBe('Thủy sản');

    // A name already taken is refused, saying why; nothing changes.
    const health = fields.find((x) => x.name === 'Y tế')!;
    const row = panel.locator(`li[data-field-id="${health.id}"]`);
    await row.getByRole('button', { name: 'Sửa' }).click();
    await row.getByLabel('Tên lĩnh vực').fill('thủy sản');
    await row.getByRole('button', { name: 'Lưu' }).click();
    await panel.getByRole('alert').waitFor();
    expect((await api<Field[]>('/api/fields')).find((x) => x.id === health.id)!.name).toBe('Y tế');
    await row.getByLabel('Tên lĩnh vực').fill('Y tế, dân số');
    await row.getByRole('button', { name: 'Lưu' }).click();
    await panel.getByRole('status').filter({ hasText: 'Đã lưu lĩnh vực Y tế, dân số.' }).waitFor();

    const fish = panel.locator(`li[data-field-id="${made.id}"]`);
    await fish.getByRole('button', { name: 'Ngừng dùng' }).click();
    await fish.getByText('Đã ngừng dùng', { exact: true }).waitFor();
    fields = await api<Field[]>('/api/fields');
    expect(fields.find((x) => x.id === made.id)!.active).toBe(false);
    // Classified opinions keep the renamed field; a retired one is no longer offered for bulk classification.
    expect((await api<Opinion>(`/api/opinions/${f.o.clinic}`)).field).toBe('Y tế, dân số');
    await screenshot(page, 'fields-admin');
    const sec = await newPage(browser, t.url, LAPTOP);
    await signIn(sec, f.usernames.sec, `pw-${f.usernames.sec}-secret`);
    await sec.goto('/register');
    await sec.locator('[data-testid="reg-count"]').waitFor();
    await sec.getByRole('checkbox', { name: `Chọn ý kiến số ${f.o.clinic}` }).check();
    const offered = await sec.getByRole('form', { name: 'Phân loại các ý kiến đã chọn' }).getByLabel('Lĩnh vực').locator('option').allTextContents();
    expect(offered).toContain('Y tế, dân số');
    expect(offered).not.toContain('Thủy sản');
    expect(pageErrors).toEqual([]);
  });

  it("shows the statutory checklist in the admin's session list: a commune's youth dialogue has all three, and a date entered moves it", async () => {
    const s = await createSession(t, 'open', { title: 'Đối thoại với thanh niên xã Hòa Bình năm 2030', audience: 'Thanh niên', startsAt: vn('2030-06-15 08:00'), unitId: f.units.b, audienceGroup: 'youth' });
    const page = await newPage(browser, t.url, LAPTOP);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.goto('/admin');
    const card = page.locator('li.card').filter({ hasText: s.title });
    await card.getByText('Mốc thời hạn theo quy định').first().click();
    const list = card.getByTestId('deadlines');
    for (const key of ['plan', 'announce', 'results']) await expect.poll(() => list.getByTestId(`deadline-${key}`).textContent()).toContain('Chưa đến hạn');
    await list.getByTestId('deadline-announce-date').fill('2030-06-10');
    await list.getByRole('button', { name: 'Lưu các ngày' }).click();
    await expect.poll(() => list.getByTestId('deadline-announce').textContent()).toContain('Trễ hạn');
    const stored = await api<{ announcedAt: string | null }>(`/api/sessions/${s.id}`);
    expect(stored.announcedAt).toBe('2030-06-10');
    expect(pageErrors).toEqual([]);
  });
});
