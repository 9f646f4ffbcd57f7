import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Question, Session } from '../../shared/schemas/entities';
import type { Field, Opinion, Unit } from '../../shared/schemas/opinions';
import { suggestField } from '../../shared/fields';
import { prepareRegister } from '../../server/domain/bootstrap';
import { ask, openSocket, type ClientSocket } from '../helpers/sockets';
import { assignStaff, auth, createSession, createStaff, createTestApp, dbRow, dbRows, dbRun, errorCode, joinSession, type TestApp } from '../helpers/app';

/**
 * The opinions register through the API: units, fields, every approved-or-later
 * question an opinion, opinions entered from a reception day and a letter,
 * classification from the desk, filters, repeats, refusals and staff scope.
 */
describe('opinions register', () => {
  let t: TestApp;
  let unitA: Unit;
  let unitB: Unit;
  let fields: Field[];
  let s1: Session; // unit A, pre-moderation
  let s2: Session; // unit B, post-moderation
  let moderator: { token: string; user: { id: number } };
  let secretary: { token: string; user: { id: number } };
  let otherSecretary: { token: string; user: { id: number } };
  let desk: ClientSocket;
  const q: Record<string, Question> = {};
  let reception: Opinion;
  let letter: Opinion;

  const inject = async (method: string, url: string, token?: string, payload?: unknown) => {
    const res = await t.app.inject({ method: method as 'GET', url, headers: token ? auth(token) : {}, ...(payload !== undefined && { payload: payload as object }) });
    return { status: res.statusCode, body: res.body ? res.json() : null, code: res.statusCode >= 400 ? errorCode(res) : undefined };
  };
  const opinions = async (query = '', token = t.adminToken): Promise<Opinion[]> => {
    const r = await inject('GET', `/api/opinions${query ? `?${query}` : ''}`, token);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.opinions;
  };
  const count = async (sql: string, ...args: unknown[]) => (await dbRow<{ n: number }>(t, sql, ...args))!.n;
  const ask1 = async (session: Session, text: string, profile: Record<string, string> = {}) => {
    const p = await joinSession(t, session.code, profile);
    const r = await inject('POST', `/api/sessions/${session.id}/questions`, p.token, { text });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as Question;
  };
  const moderate = async (id: number, body: Record<string, unknown>) => {
    const ack = await ask(desk, 'question:moderate', { questionId: id, ...body } as never);
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    return (ack as { data: Question }).data;
  };

  beforeAll(async () => {
    t = await createTestApp({ ORG_NAME: 'Ủy ban nhân dân tỉnh Tuyên Quang', RATE_LIMIT_QUESTIONS_PER_MINUTE: '0' });
    await t.listen();
    moderator = await createStaff(t, 'moderator');
    secretary = await createStaff(t, 'secretary');
    otherSecretary = await createStaff(t, 'secretary', { assign: false });
  });
  afterAll(async () => {
    desk?.close();
    await t.close();
  });

  it('made the first unit from ORG_NAME at the first start and gave the sample session to it', async () => {
    const r = await inject('GET', '/api/units', secretary.token);
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(1);
    unitA = r.body[0];
    expect(unitA).toMatchObject({ name: 'Ủy ban nhân dân tỉnh Tuyên Quang', abbreviation: 'UBND', level: 'province', place: 'Tuyên Quang' });
    expect(await count('SELECT count(*) AS n FROM sessions WHERE unit_id IS NULL')).toBe(0);
    // A second start makes no second unit.
    await prepareRegister(t.app.services);
    expect((await inject('GET', '/api/units', t.adminToken)).body).toHaveLength(1);
  });

  it('units: admin writes, staff read, bad input refused with nothing changed', async () => {
    const body = { name: 'BAN TUYÊN GIÁO VÀ DÂN VẬN', abbreviation: 'BTGDV', level: 'agency', parentName: 'TỈNH ỦY TUYÊN QUANG', place: 'Tuyên Quang' };
    expect((await inject('POST', '/api/units', secretary.token, body)).code).toBe('FORBIDDEN');
    const before = await count('SELECT count(*) AS n FROM units');
    for (const bad of [
      { ...body, abbreviation: 'btg dv' },
      { ...body, level: 'district' },
      { ...body, name: '\u200b ' },
      { ...body, extra: 1 },
    ]) {
      const r = await inject('POST', '/api/units', t.adminToken, bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.code).toBe('INVALID_PAYLOAD');
    }
    expect(await count('SELECT count(*) AS n FROM units')).toBe(before);
    const made = await inject('POST', '/api/units', t.adminToken, body);
    expect(made.status).toBe(201);
    unitB = made.body;
    expect(unitB.parentName).toBe('TỈNH ỦY TUYÊN QUANG');
    const edited = await inject('PATCH', `/api/units/${unitB.id}`, t.adminToken, { code: '08' });
    expect(edited.body.code).toBe('08');
    expect((await inject('PATCH', '/api/units/9999', t.adminToken, { code: '08' })).code).toBe('NOT_FOUND');
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE action IN ('unit.create','unit.update') AND actor_kind = 'staff'")).toBe(2);
  });

  it('fields: the default list with keywords, admin adds, renames and retires', async () => {
    fields = (await inject('GET', '/api/fields', moderator.token)).body;
    expect(fields.length).toBe(12);
    expect(fields[0]!.name).toBe('Đất đai, môi trường');
    expect((await inject('POST', '/api/fields', secretary.token, { name: 'Thủy sản' })).code).toBe('FORBIDDEN');
    const made = await inject('POST', '/api/fields', t.adminToken, { name: 'Thủy sản', keywords: ['Nuôi cá lồng', 'thủy sản'] });
    expect(made.status).toBe(201);
    expect(made.body.keywords).toEqual(['nuoi ca long', 'thuy san']);
    expect((await inject('POST', '/api/fields', t.adminToken, { name: 'thủy sản' })).code).toBe('CONFLICT');
    const retired = await inject('PATCH', `/api/fields/${made.body.id}`, t.adminToken, { active: false });
    expect(retired.body.active).toBe(false);
    // The suggestion: whole phrases, without diacritics; nothing when unsure.
    const all: Field[] = (await inject('GET', '/api/fields', t.adminToken)).body;
    expect(suggestField('Xin hỏi về việc cấp SỔ ĐỎ và thu hồi đất ở xã?', all)?.name).toBe('Đất đai, môi trường');
    expect(suggestField('Trường học của con em thiếu giáo viên', all)?.name).toBe('Giáo dục');
    expect(suggestField('Nuôi cá lồng trên sông', all)).toBeNull(); // retired
    expect(suggestField('Xin cảm ơn', all)).toBeNull();
  });

  it('sessions take a unit and an audience group; the secretary keeps the checklist dates only', async () => {
    // The other secretary is assigned to neither (staff scope below).
    s1 = await createSession(t, 'live', { title: 'Đối thoại với nông dân', moderation: 'pre', audienceGroup: 'farmer', panel: [{ name: 'Ông Phạm Văn Tâm', title: 'Chủ tịch UBND tỉnh', role: 'chair' }] }, { assignAll: false });
    await assignStaff(t, s1.id, [moderator.user.id, secretary.user.id]);
    expect(s1.unitId).toBe(unitA.id);
    expect(s1.audienceGroup).toBe('farmer');
    s2 = await createSession(t, 'live', { title: 'Đối thoại với thanh niên', moderation: 'post', unitId: unitB.id, audienceGroup: 'youth' }, { assignAll: false });
    await assignStaff(t, s2.id, [moderator.user.id, secretary.user.id]);
    expect(s2.unitId).toBe(unitB.id);
    expect((await inject('POST', '/api/sessions', t.adminToken, { title: 'X', audience: 'Y', startsAt: '2027-01-01T00:00:00Z', moderation: 'pre', unitId: 999 })).code).toBe('INVALID_PAYLOAD');
    const dates = await inject('PATCH', `/api/sessions/${s1.id}`, secretary.token, { planPublishedAt: '2026-10-01', announcedAt: '2026-11-20' });
    expect(dates.status, JSON.stringify(dates.body)).toBe(200);
    expect(dates.body).toMatchObject({ planPublishedAt: '2026-10-01', announcedAt: '2026-11-20', resultsPublishedAt: null });
    expect((await inject('PATCH', `/api/sessions/${s1.id}`, secretary.token, { planPublishedAt: '2026-10-01', title: 'Khác' })).code).toBe('FORBIDDEN');
    expect((await inject('PATCH', `/api/sessions/${s1.id}`, otherSecretary.token, { announcedAt: '2026-11-21' })).code).toBe('NOT_ASSIGNED');
    expect((await inject('PATCH', `/api/sessions/${s1.id}`, secretary.token, { announcedAt: '2026-02-30' })).code).toBe('INVALID_PAYLOAD');
  });

  it("documents are headed by the session's unit: parent body above its name, its abbreviation in the number, its place", async () => {
    const html = await t.app.inject({ url: `/api/sessions/${s2.id}/minutes.html`, headers: auth(secretary.token) });
    expect(html.statusCode).toBe(200);
    const org = /<div class="org">(.*?)<div class="rule">/s.exec(html.body)![1]!;
    expect(org).toBe('<div class="parent">TỈNH ỦY TUYÊN QUANG</div><div>BAN TUYÊN GIÁO VÀ DÂN VẬN</div>');
    expect(html.body).toContain('Số:        /BB-BTGDV');
    expect(html.body).toMatch(/Tuyên Quang, ngày/);
    const a = await t.app.inject({ url: `/api/sessions/${s1.id}/minutes.html`, headers: auth(secretary.token) });
    expect(/<div class="org">(.*?)<div class="rule">/s.exec(a.body)![1]).toBe('<div>ỦY BAN NHÂN DÂN</div><div>TỈNH TUYÊN QUANG</div>');
    expect(a.body).toContain('/BB-UBND');
    // The unit's edit shows in the next document.
    await inject('PATCH', `/api/units/${unitB.id}`, t.adminToken, { abbreviation: 'BTGDVTU' });
    expect((await t.app.inject({ url: `/api/sessions/${s2.id}/minutes.html`, headers: auth(secretary.token) })).body).toContain('/BB-BTGDVTU');
    const docx = await t.app.inject({ url: `/api/sessions/${s2.id}/minutes.docx`, headers: auth(secretary.token) });
    expect(docx.statusCode).toBe(200);
  });

  it('only approved-or-later questions become opinions, in the transaction that moves them', async () => {
    desk = await openSocket(t.url, moderator.token);
    q.land = await ask1(s1, 'Đề nghị tỉnh sớm cấp sổ đỏ cho các hộ bị thu hồi đất làm đường', { displayName: 'Nguyễn Văn Nam', locality: 'Xã Kim Bình' });
    q.rejected = await ask1(s1, 'Câu hỏi không liên quan');
    q.pending = await ask1(s1, 'Bao giờ có điện lưới về thôn?');
    q.school = await ask1(s1, 'Trường học thiếu giáo viên', { displayName: 'Ẩn danh thật' });
    expect(await count('SELECT count(*) AS n FROM opinions')).toBe(0);
    await moderate(q.land.id, { action: 'approve' });
    await moderate(q.rejected.id, { action: 'reject', reason: 'off_topic' });
    await moderate(q.school.id, { action: 'defer', agency: 'Sở Giáo dục và Đào tạo', supportingAgencies: ['UBND xã Kim Bình'], deadline: '2026-11-01' });
    // Post-moderation publishes at once: an opinion of unit B.
    q.youth = await ask1(s2, 'Thanh niên cần vay vốn khởi nghiệp ở đâu?');
    expect(q.youth.status).toBe('approved');
    const all = await opinions();
    expect(all.map((o) => o.questionId).sort()).toEqual([q.land.id, q.school.id, q.youth.id].sort());
    const land = all.find((o) => o.questionId === q.land.id)!;
    expect(land).toMatchObject({ unitId: unitA.id, sessionId: s1.id, channel: 'app', receivedAt: q.land.createdAt, personName: 'Nguyễn Văn Nam', locality: 'Xã Kim Bình', answered: false, outcome: null });
    // Deferral carries its agencies and deadline into the register.
    const school = all.find((o) => o.questionId === q.school.id)!;
    expect(school).toMatchObject({ leadAgency: 'Sở Giáo dục và Đào tạo', agencies: ['UBND xã Kim Bình'], deadline: '2026-11-01', overdue: true });
    expect(all.find((o) => o.questionId === q.youth.id)!.unitId).toBe(unitB.id);
    // Taken on the floor, then approved: an opinion with its channel.
    const floor = await inject('POST', `/api/sessions/${s1.id}/questions`, moderator.token, { text: 'Đường liên thôn xuống cấp', channel: 'floor', personName: 'Bà Lan' });
    q.floor = floor.body;
    await moderate(q.floor.id, { action: 'approve' });
    expect((await opinions(`sessionId=${s1.id}`)).find((o) => o.questionId === q.floor.id)?.channel).toBe('floor');
  });

  it('the desk classifies a question in one action; its opinion follows, and the register edits the question back', async () => {
    const land = fields.find((f) => f.name === 'Đất đai, môi trường')!;
    const transport = fields.find((f) => f.name.startsWith('Giao thông'))!;
    const view = await moderate(q.land.id, { action: 'classify', fieldId: land.id });
    expect(view.fieldId).toBe(land.id);
    const op = (await opinions(`fieldId=${land.id}`)).map((o) => o.questionId);
    expect(op).toEqual([q.land.id]);
    // Pending questions may be classified too; the opinion made at approval takes the field.
    await moderate(q.pending.id, { action: 'classify', fieldId: fields.find((f) => f.name.startsWith('Điện'))!.id });
    // Retired or unknown fields are refused, nothing changes.
    const retired = (await inject('GET', '/api/fields', t.adminToken)).body.find((f: Field) => !f.active);
    const bad = await ask(desk, 'question:moderate', { questionId: q.land.id, action: 'classify', fieldId: retired.id });
    expect(bad.ok).toBe(false);
    expect(await count('SELECT field_id AS n FROM questions WHERE id = ?', q.land.id)).toBe(land.id);
    // From the register: the question's field follows.
    const floorOp = (await opinions(`sessionId=${s1.id}`)).find((o) => o.questionId === q.floor.id)!;
    const r = await inject('PATCH', `/api/opinions/${floorOp.id}`, secretary.token, { fieldId: transport.id, level: 'commune', leadAgency: 'UBND xã Kim Bình' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await count('SELECT field_id AS n FROM questions WHERE id = ?', q.floor.id)).toBe(transport.id);
    // A secretary classifies from the secretariat with the same action.
    const sec = await openSocket(t.url, secretary.token);
    const ack = await ask(sec, 'question:moderate', { questionId: q.school.id, action: 'classify', fieldId: fields.find((f) => f.name === 'Giáo dục')!.id });
    sec.close();
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
  });

  it('opinions entered from a reception day and a letter get tracking codes the public finds, without the person', async () => {
    const r1 = await inject('POST', '/api/opinions', secretary.token, {
      unitId: unitA.id,
      channel: 'reception',
      receivedAt: '2026-09-15',
      text: 'Đề nghị giải quyết dứt điểm việc bồi thường giải phóng mặt bằng',
      personName: 'Trần Văn Hải',
      locality: 'Xã Kim Bình',
      group: 'farmer',
    });
    expect(r1.status, JSON.stringify(r1.body)).toBe(201);
    reception = r1.body;
    expect(reception).toMatchObject({ channel: 'reception', sessionId: null, questionId: null, receivedAt: '2026-09-14T17:00:00.000Z', personName: 'Trần Văn Hải' });
    expect(reception.trackingCode).toMatch(/^[A-Z0-9]{10}$/);
    const r2 = await inject('POST', '/api/opinions', otherSecretary.token, {
      unitId: unitA.id,
      channel: 'letter',
      receivedAt: '2026-10-20T09:00:00+07:00',
      text: 'Thư đề nghị bồi thường khi thu hồi đất làm đường',
      personName: 'Lê Thị Mai',
    });
    expect(r2.status).toBe(201);
    letter = r2.body;
    // A locality chosen from the official list is stored with its code and official label; an unknown code is refused.
    const found = (await inject('GET', '/api/localities?q=kim binh')).body.localities[0];
    const withCode = await inject('POST', '/api/opinions', secretary.token, { unitId: unitA.id, channel: 'online', receivedAt: '2026-10-02', text: 'Ý kiến qua cổng', locality: 'kim binh', localityCode: found.code });
    expect(withCode.status, JSON.stringify(withCode.body)).toBe(201);
    expect(withCode.body).toMatchObject({ localityCode: found.code, locality: found.label });
    expect((await inject('POST', '/api/opinions', secretary.token, { unitId: unitA.id, channel: 'online', receivedAt: '2026-10-02', text: 'Ý kiến', localityCode: '99999' })).code).toBe('LOCALITY_UNKNOWN');
    await dbRun(t, 'DELETE FROM audit_log WHERE entity = ? AND entity_id = ?', 'opinion', withCode.body.id);
    await dbRun(t, 'DELETE FROM opinions WHERE id = ?', withCode.body.id);
    // Unique across questions and opinions.
    const codes = (await dbRows(t, 'SELECT tracking_code AS c FROM questions UNION ALL SELECT tracking_code FROM opinions WHERE tracking_code IS NOT NULL')) as { c: string }[];
    expect(new Set(codes.map((c) => c.c)).size).toBe(codes.length);

    const tr = await inject('GET', `/api/track/${letter.trackingCode!.toLowerCase()}`);
    expect(tr.status).toBe(200);
    expect(tr.body).toMatchObject({ status: 'approved', session: null, question: { text: letter.text }, opinion: { channel: 'letter', outcome: null, answered: false } });
    expect(JSON.stringify(tr.body)).not.toContain('Lê Thị Mai');
    // A session question's tracking shows its place in the register too.
    const tq = await inject('GET', `/api/track/${q.land.trackingCode}`);
    expect(tq.body.opinion).toMatchObject({ channel: 'app', field: 'Đất đai, môi trường' });
    expect(JSON.stringify(tq.body)).not.toContain('Nguyễn Văn Nam');
  });

  it('refuses bad input with stable codes and changes nothing', async () => {
    const before = await count('SELECT count(*) AS n FROM opinions');
    const audit = await count('SELECT count(*) AS n FROM audit_log');
    const good = { unitId: unitA.id, channel: 'forum', receivedAt: '2026-10-01', text: 'Ý kiến' };
    for (const [body, code] of [
      [{ ...good, channel: 'app' }, 'INVALID_PAYLOAD'],
      [{ ...good, receivedAt: '2099-01-01' }, 'INVALID_PAYLOAD'],
      [{ ...good, receivedAt: 'hôm qua' }, 'INVALID_PAYLOAD'],
      [{ ...good, text: '  \u200b ' }, 'INVALID_PAYLOAD'],
      [{ ...good, text: 'x'.repeat(5001) }, 'INVALID_PAYLOAD'],
      [{ ...good, unitId: 999 }, 'INVALID_PAYLOAD'],
      [{ ...good, fieldId: 999 }, 'INVALID_PAYLOAD'],
    ] as const) {
      const r = await inject('POST', '/api/opinions', secretary.token, body);
      expect(r.code, JSON.stringify(body)).toBe(code);
    }
    expect((await inject('POST', '/api/opinions', moderator.token, good)).code).toBe('FORBIDDEN');
    expect((await inject('POST', '/api/opinions', undefined, good)).code).toBe('UNAUTHORIZED');
    for (const [body, code] of [
      [{ outcome: 'unresolved' }, 'INVALID_PAYLOAD'],
      [{ outcome: 'forgotten' }, 'INVALID_PAYLOAD'],
      [{ deadline: '2026-13-01' }, 'INVALID_PAYLOAD'],
      [{ repeatOfId: reception.id }, 'INVALID_PAYLOAD'],
      [{ repeatOfId: 99999 }, 'INVALID_PAYLOAD'],
      [{ level: 'district' }, 'INVALID_PAYLOAD'],
      [{}, 'INVALID_PAYLOAD'],
    ] as const) {
      const r = await inject('PATCH', `/api/opinions/${reception.id}`, secretary.token, body);
      expect(r.code, JSON.stringify(body)).toBe(code);
    }
    expect((await inject('PATCH', '/api/opinions/99999', secretary.token, { level: 'central' })).code).toBe('NOT_FOUND');
    expect(await count('SELECT count(*) AS n FROM opinions')).toBe(before);
    expect(await count('SELECT count(*) AS n FROM audit_log')).toBe(audit);
  });

  it('a repeat is linked and counted; self, loops and other units are refused', async () => {
    const r = await inject('PATCH', `/api/opinions/${letter.id}`, secretary.token, { repeatOfId: reception.id });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.repeatOfId).toBe(reception.id);
    const land = (await opinions(`sessionId=${s1.id}`)).find((o) => o.questionId === q.land.id)!;
    expect((await inject('PATCH', `/api/opinions/${land.id}`, secretary.token, { repeatOfId: letter.id })).status).toBe(200);
    const byId = new Map((await opinions(`unitId=${unitA.id}`)).map((o) => [o.id, o]));
    expect(byId.get(reception.id)!.repeatCount).toBe(2);
    expect(byId.get(letter.id)!.repeatCount).toBe(1);
    expect(byId.get(land.id)!.repeatCount).toBe(0);
    expect((await inject('PATCH', `/api/opinions/${reception.id}`, secretary.token, { repeatOfId: land.id })).code).toBe('INVALID_PAYLOAD');
    const youth = (await opinions(`unitId=${unitB.id}`))[0]!;
    expect((await inject('PATCH', `/api/opinions/${youth.id}`, t.adminToken, { repeatOfId: reception.id })).code).toBe('INVALID_PAYLOAD');
    expect(await count('SELECT repeat_of_id AS n FROM opinions WHERE id = ?', reception.id)).toBeNull();
  });

  it('outcomes, answered kept apart, and the filters return exactly the expected rows', async () => {
    const ok = async (id: number, body: Record<string, unknown>, token = secretary.token) => {
      const r = await inject('PATCH', `/api/opinions/${id}`, token, body);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body as Opinion;
    };
    const land = (await opinions(`sessionId=${s1.id}`)).find((o) => o.questionId === q.land.id)!;
    await ok(reception.id, { fieldId: fields[0]!.id, level: 'province', leadAgency: 'Sở Nông nghiệp và Môi trường', agencies: ['UBND xã Kim Bình', 'Sở Nông nghiệp và Môi trường'], deadline: '2026-10-30' });
    const explained = await ok(reception.id, { outcome: 'explained', outcomeNote: 'Đã giải thích chính sách', responseRef: 'Công văn số 123/UBND-NC ngày 25/10/2026' });
    expect(explained).toMatchObject({ answered: true, outcome: 'explained', overdue: false, agencies: ['UBND xã Kim Bình'] });
    const unresolved = await ok(letter.id, { outcome: 'unresolved', outcomeNote: 'Chưa có nguồn vốn', level: 'province', deadline: '2026-10-25' });
    expect(unresolved).toMatchObject({ answered: false, overdue: true });
    // A live answer makes a session opinion answered; its outcome is separate.
    const ans = await inject('POST', `/api/questions/${q.land.id}/answers`, secretary.token, { text: 'Tỉnh sẽ cấp trong quý I', kind: 'live', panelSeatId: s1.panel[0]!.id });
    expect(ans.status, JSON.stringify(ans.body)).toBe(200);
    await ok(land.id, { outcome: 'in_progress', level: 'province', leadAgency: 'UBND tỉnh' });

    const ids = async (query: string) => (await opinions(query)).map((o) => o.id).sort((a, b) => a - b);
    const sort = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const sessionOps = await opinions(`sessionId=${s1.id}`);
    expect(sessionOps).toHaveLength(3);
    expect(await ids(`unitId=${unitB.id}`)).toHaveLength(1);
    expect(await ids('from=2026-10-01&to=2026-10-31')).toEqual([letter.id]);
    expect(await ids('from=2026-09-01&to=2026-10-31')).toEqual(sort([reception.id, letter.id]));
    expect(await ids('from=2026-09-15&to=2026-09-15')).toEqual([reception.id]);
    expect(await ids(`fieldId=${fields[0]!.id}`)).toEqual(sort([reception.id, land.id]));
    expect(await ids('level=province')).toEqual(sort([reception.id, letter.id, land.id]));
    expect(await ids('outcome=unresolved')).toEqual([letter.id]);
    expect(await ids('agency=so nong nghiep')).toEqual([reception.id]);
    expect(await ids('agency=kim binh')).toEqual(sort([reception.id, sessionOps.find((o) => o.questionId === q.floor.id)!.id, sessionOps.find((o) => o.questionId === q.school.id)!.id]));
    expect(await ids('overdue=true')).toEqual(sort([letter.id, sessionOps.find((o) => o.questionId === q.school.id)!.id]));
    expect(await ids('source=entered')).toEqual(sort([reception.id, letter.id]));
    expect((await inject('GET', '/api/opinions?from=2026-11-01&to=2026-10-01', secretary.token)).code).toBe('INVALID_PAYLOAD');
    expect((await inject('GET', '/api/opinions?level=district', secretary.token)).code).toBe('INVALID_PAYLOAD');
    expect((await opinions(`sessionId=${s1.id}`)).find((o) => o.id === land.id)).toMatchObject({ answered: true, outcome: 'in_progress' });
  });

  it('bulk classify: all or nothing', async () => {
    const health = fields.find((f) => f.name === 'Y tế')!;
    const entered = [reception.id, letter.id];
    const r = await inject('POST', '/api/opinions/bulk', secretary.token, { ids: entered, level: 'commune' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.opinions.map((o: Opinion) => o.level)).toEqual(['commune', 'commune']);
    // One the other secretary may not touch: the whole request is refused.
    const s1Ops = await opinions(`sessionId=${s1.id}`);
    const refused = await inject('POST', '/api/opinions/bulk', otherSecretary.token, { ids: [...entered, s1Ops[0]!.id], fieldId: health.id });
    expect(refused.code).toBe('NOT_ASSIGNED');
    expect(await count('SELECT count(*) AS n FROM opinions WHERE field_id = ?', health.id)).toBe(0);
    const withSession = await inject('POST', '/api/opinions/bulk', secretary.token, { ids: [s1Ops[0]!.id], fieldId: health.id });
    expect(withSession.status).toBe(200);
    expect(await count('SELECT field_id AS n FROM questions WHERE id = ?', s1Ops[0]!.questionId)).toBe(health.id);
    expect((await inject('POST', '/api/opinions/bulk', secretary.token, { ids: [reception.id] })).code).toBe('INVALID_PAYLOAD');
  });

  it('staff scope: a secretary sees its sessions and every entered opinion; others are refused', async () => {
    const mine = await opinions('', otherSecretary.token);
    expect(mine.every((o) => o.sessionId === null)).toBe(true);
    expect(mine.map((o) => o.id).sort()).toEqual([reception.id, letter.id].sort());
    const s1Op = (await opinions(`sessionId=${s1.id}`))[0]!;
    expect((await inject('PATCH', `/api/opinions/${s1Op.id}`, otherSecretary.token, { level: 'central' })).code).toBe('NOT_ASSIGNED');
    expect((await inject('GET', `/api/opinions?sessionId=${s1.id}`, otherSecretary.token)).code).toBe('NOT_ASSIGNED');
    expect((await inject('GET', '/api/opinions', moderator.token)).code).toBe('FORBIDDEN');
    expect((await inject('GET', '/api/opinions')).code).toBe('UNAUTHORIZED');
    await assignStaff(t, s1.id, [otherSecretary.user.id]);
    expect((await opinions('', otherSecretary.token)).some((o) => o.sessionId === s1.id)).toBe(true);
  });

  it('a session moved to another unit takes its opinions; the backfill makes missing ones at start', async () => {
    const moved = await inject('PATCH', `/api/sessions/${s2.id}`, t.adminToken, { unitId: unitA.id });
    expect(moved.body.unitId).toBe(unitA.id);
    expect(await count('SELECT count(*) AS n FROM opinions WHERE session_id = ? AND unit_id = ?', s2.id, unitA.id)).toBe(1);
    // A row made before the register existed.
    const lost = await ask1(s2, 'Câu hỏi cũ trước khi có sổ');
    await dbRun(t, 'DELETE FROM opinions WHERE question_id = ?', lost.id);
    expect((await prepareRegister(t.app.services)).opinionsMade).toBe(1);
    expect(await count('SELECT count(*) AS n FROM opinions WHERE question_id = ?', lost.id)).toBe(1);
    expect((await prepareRegister(t.app.services)).opinionsMade).toBe(0);
  });

  it('the person of an entered opinion is erased on request; the opinion stays', async () => {
    const r = await inject('DELETE', `/api/opinions/${letter.id}/personal-data`, secretary.token);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ personName: null, locality: null, text: letter.text });
    const row = (await dbRow(t, 'SELECT person_name, erased_at FROM opinions WHERE id = ?', letter.id)) as { person_name: string | null; erased_at: string };
    expect(row.person_name).toBeNull();
    expect(row.erased_at).toBeTruthy();
    const s1Op = (await opinions(`sessionId=${s1.id}`))[0]!;
    expect((await inject('DELETE', `/api/opinions/${s1Op.id}/personal-data`, secretary.token)).code).toBe('INVALID_PAYLOAD');
  });
});
