import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Question } from '../../shared/schemas/entities';
import { auth, createSession, createStaff, createTestApp, errorCode, joinSession, type TestApp } from '../helpers/app';

describe('answers and commitments', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('records a leader\'s live answer under their name, and tracks commitments to done', async () => {
    const s = await createSession(t, 'live', { moderation: 'post' });
    const leader = await createStaff(t, 'leader');
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
    expect(answered.answers[0]).toMatchObject({ kind: 'live', answeredBy: leader.user.displayName });
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
    expect(t.db.$client.prepare('select count(*) n from answers where question_id = ?').get(q.id)).toEqual({ n: 0 });
  });
});
