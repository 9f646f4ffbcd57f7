import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Question } from '../../shared/schemas/entities';
import { auth, createSession, createStaff, createTestApp, dbRow, errorCode, joinSession, type TestApp } from '../helpers/app';

describe('answers and commitments', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('records a leader\'s live answer under their panel seat, and tracks commitments to done', async () => {
    const leader = await createStaff(t, 'leader');
    const s = await createSession(t, 'live', {
      moderation: 'post',
      panel: [
        { name: 'Ông Hoàng Văn Phúc', title: 'Chủ tịch UBND huyện', userId: leader.user.id },
        { name: 'Bà Vũ Thị Mai', title: 'Trưởng phòng Giáo dục' },
      ],
    });
    const sec = await createStaff(t, 'secretary');
    const mod = await createStaff(t, 'moderator');
    const p = await joinSession(t, s.code);
    const q = (await t.app.inject({ method: 'POST', url: `/api/sessions/${s.id}/questions`, headers: auth(p.token), payload: { text: 'Khi nào có sân chơi cho thiếu nhi?' } })).json() as Question;
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/questions/${q.id}/answers`,
      headers: auth(leader.token),
      payload: { kind: 'live', text: 'Năm 2027 sẽ xây sân chơi.', commitments: [{ text: 'Xây sân chơi xã Yên Sơn', agency: 'UBND huyện', deadline: '2027-06-30' }] },
    });
    expect(res.statusCode).toBe(200);
    const answered = res.json() as Question;
    // The leader's own seat, whatever the leader's account is called.
    expect(answered.answers[0]).toMatchObject({ kind: 'live', answeredBy: 'Ông Hoàng Văn Phúc, Chủ tịch UBND huyện', panelSeatId: s.panel[0]!.id });
    // A leader cannot put words in a colleague's mouth.
    const other = await t.app.inject({
      method: 'POST',
      url: `/api/questions/${q.id}/answers`,
      headers: auth(leader.token),
      payload: { kind: 'live', text: 'Bổ sung', panelSeatId: s.panel[1]!.id },
    });
    expect(errorCode(other)).toBe('PANEL_SEAT_INVALID');
    const c = answered.commitments[0]!;
    expect(c).toMatchObject({ status: 'open', agency: 'UBND huyện' });

    const asMod = await t.app.inject({ method: 'PATCH', url: `/api/commitments/${c.id}`, headers: auth(mod.token), payload: { status: 'done' } });
    expect(asMod.statusCode).toBe(403);
    const done = await t.app.inject({ method: 'PATCH', url: `/api/commitments/${c.id}`, headers: auth(sec.token), payload: { status: 'done' } });
    expect(done.statusCode).toBe(200);
    expect((done.json() as Question).commitments[0]!.status).toBe('done');
    const bad = await t.app.inject({ method: 'PATCH', url: `/api/commitments/${c.id}`, headers: auth(sec.token), payload: { status: 'forgotten' } });
    expect(errorCode(bad)).toBe('INVALID_PAYLOAD');
    const missing = await t.app.inject({ method: 'PATCH', url: '/api/commitments/99999', headers: auth(sec.token), payload: { status: 'done' } });
    expect(missing.statusCode).toBe(404);
    // The public sees the commitment's progress too.
    const pub = (await t.app.inject({ url: `/api/sessions/${s.id}/questions`, headers: auth(p.token) })).json() as Question[];
    expect(pub[0]!.commitments[0]!.status).toBe('done');
  });

  it('takes a written answer only for a question in written follow-up', async () => {
    const s = await createSession(t, 'live', { moderation: 'post' });
    const sec = await createStaff(t, 'secretary');
    const p = await joinSession(t, s.code);
    const q = (await t.app.inject({ method: 'POST', url: `/api/sessions/${s.id}/questions`, headers: auth(p.token), payload: { text: 'Câu hỏi chưa hoãn' } })).json() as Question;
    const res = await t.app.inject({ method: 'POST', url: `/api/questions/${q.id}/answers`, headers: auth(sec.token), payload: { kind: 'written', text: 'Văn bản' } });
    expect(res.statusCode).toBe(409);
    expect(errorCode(res)).toBe('ILLEGAL_QUESTION_STATE');
    expect(await dbRow(t, 'select count(*) n from answers where question_id = ?', q.id)).toEqual({ n: 0 });
  });
});

describe('who answered is a panel seat', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('needs a seat of this session for a live answer recorded by the secretariat, and refuses free text', async () => {
    const sec = await createStaff(t, 'secretary');
    const s = await createSession(t, 'live', { moderation: 'post', panel: [{ name: 'Bà Vũ Thị Mai', title: 'Giám đốc Sở Y tế' }] });
    const other = await createSession(t, 'live', { moderation: 'post', panel: [{ name: 'Ông Lý Văn Tài' }] });
    const p = await joinSession(t, s.code);
    const q = (await t.app.inject({ method: 'POST', url: `/api/sessions/${s.id}/questions`, headers: auth(p.token), payload: { text: 'Trạm y tế xã khi nào có bác sĩ?' } })).json() as Question;
    const post = (payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: `/api/questions/${q.id}/answers`, headers: auth(sec.token), payload });
    expect(errorCode(await post({ kind: 'live', text: 'Quý I năm sau.' }))).toBe('PANEL_SEAT_REQUIRED');
    expect(errorCode(await post({ kind: 'live', text: 'Quý I năm sau.', panelSeatId: other.panel[0]!.id }))).toBe('PANEL_SEAT_INVALID');
    expect(errorCode(await post({ kind: 'live', text: 'Quý I năm sau.', answeredBy: 'Ai đó' }))).toBe('INVALID_PAYLOAD');
    expect(await dbRow(t, 'select count(*) n from answers where question_id = ?', q.id)).toEqual({ n: 0 });
    const ok = await post({ kind: 'live', text: 'Quý I năm sau.', panelSeatId: s.panel[0]!.id });
    expect(ok.statusCode).toBe(200);
    expect((ok.json() as Question).answers[0]).toMatchObject({ answeredBy: 'Bà Vũ Thị Mai, Giám đốc Sở Y tế', panelSeatId: s.panel[0]!.id });
    // The seat stays while it has answers: the record names the person.
    const drop = await t.app.inject({ method: 'PATCH', url: `/api/sessions/${s.id}`, headers: auth(t.adminToken), payload: { panel: [{ name: 'Người khác' }] } });
    expect(errorCode(drop)).toBe('PANEL_SEAT_IN_USE');
    const keep = await t.app.inject({
      method: 'PATCH',
      url: `/api/sessions/${s.id}`,
      headers: auth(t.adminToken),
      payload: { panel: [{ id: s.panel[0]!.id, name: 'Bà Vũ Thị Mai', title: 'Giám đốc Sở Y tế' }, { name: 'Ông Đinh Công Lực' }] },
    });
    expect(keep.statusCode, keep.body).toBe(200);
    expect(keep.json().panel.map((m: { id: number }) => m.id)[0]).toBe(s.panel[0]!.id);
  });
});
