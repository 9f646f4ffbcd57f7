import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createSession, createTestApp, dbRow, dbRows, errorCode, type TestApp } from '../helpers/app';

describe('join', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('joins with a good code, however it is typed, and returns a token for that session', async () => {
    const s = await createSession(t, 'live');
    const typed = `${s.code.slice(0, 3).toLowerCase()} ${s.code.slice(3)}`;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/join',
      payload: { code: typed, displayName: 'Lò Văn Páo', locality: 'Xã Lũng Cú', group: 'farmer', contact: '0912 345 678' },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.session.id).toBe(s.id);
    expect(body.participant).toMatchObject({ id: expect.any(Number), displayName: 'Lò Văn Páo', locality: 'Xã Lũng Cú', group: 'farmer' });
    expect(JSON.stringify(body)).not.toContain('0912');
    const row = await dbRow<{ contact: string; session_id: number }>(t, 'select contact, session_id from participants where id = ?', body.participant.id);
    expect(row).toEqual({ contact: '0912 345 678', session_id: s.id });
    // the token reads its own session
    expect((await t.app.inject({ url: `/api/sessions/${s.id}`, headers: auth(body.token) })).statusCode).toBe(200);
  });

  it('tells what a code opens before anyone fills anything in, joining nothing', async () => {
    const live = await createSession(t, 'live', { title: 'Đối thoại với nông dân', place: 'Hội trường xã Yên Phú' });
    const closed = await createSession(t, 'closed');
    const draft = await createSession(t, 'draft');
    const before = (await dbRow<{ n: number }>(t, 'select count(*) n from participants'))!.n;

    const ok = await t.app.inject({ url: `/api/join/${live.code.toLowerCase()}` });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({
      sessionId: live.id,
      title: 'Đối thoại với nông dân',
      audience: live.audience,
      place: 'Hội trường xã Yên Phú',
      startsAt: live.startsAt,
      status: 'live',
      joinable: true,
      ended: false,
    });
    expect(JSON.stringify(ok.json())).not.toContain(live.code); // nothing a staff member alone should see

    const ended = await t.app.inject({ url: `/api/join/${closed.code}` });
    expect(ended.json()).toMatchObject({ sessionId: closed.id, status: 'closed', joinable: false, ended: true });

    // A draft is not public yet: it reads like a wrong code.
    for (const code of [draft.code, 'ZZZZZZ']) {
      const res = await t.app.inject({ url: `/api/join/${code}` });
      expect(res.statusCode).toBe(404);
      expect(errorCode(res)).toBe('SESSION_NOT_FOUND');
      expect(res.body).not.toContain(draft.title);
    }
    expect((await t.app.inject({ url: `/api/join/${'A'.repeat(30)}` })).statusCode).toBe(400);
    expect((await dbRow<{ n: number }>(t, 'select count(*) n from participants'))!.n).toBe(before);
  });

  it('answers 404 for an unknown code', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/join', payload: { code: 'ZZZZZZ' } });
    expect(res.statusCode).toBe(404);
    expect(errorCode(res)).toBe('SESSION_NOT_FOUND');
  });

  it('refuses closed, archived and draft sessions with a clear code', async () => {
    const closed = await createSession(t, 'closed');
    const draft = await createSession(t, 'draft');
    const archived = await createSession(t, 'archived');
    const c = await t.app.inject({ method: 'POST', url: '/api/join', payload: { code: closed.code } });
    expect(c.statusCode).toBe(409);
    expect(errorCode(c)).toBe('SESSION_CLOSED');
    const d = await t.app.inject({ method: 'POST', url: '/api/join', payload: { code: draft.code } });
    expect(d.statusCode).toBe(409);
    expect(errorCode(d)).toBe('SESSION_NOT_JOINABLE');
    const a = await t.app.inject({ method: 'POST', url: '/api/join', payload: { code: archived.code } });
    expect(a.statusCode).toBe(404);
  });

  it('joins a crowd arriving at once: each gets its own participant, a bad code among them changes nothing for the rest', async () => {
    const s = await createSession(t, 'live');
    const before = (await dbRow<{ n: number }>(t, 'select count(*) n from participants where session_id = ?', s.id))!.n;
    // Concurrent requests land in the same event-loop turns, so they share COMMITs.
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        t.app.inject({
          method: 'POST',
          url: '/api/join',
          payload: i === 30 ? { code: 'ZZZZZZ' } : { code: s.code, displayName: `Đoàn viên ${i}` },
        }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(results.map((_, i) => (i === 30 ? 404 : 200)));
    const joined = results.filter((_, i) => i !== 30).map((r) => r.json().participant as { id: number; displayName: string });
    expect(new Set(joined.map((p) => p.id)).size).toBe(59);
    const rows = await dbRows<{ id: number; displayName: string }>(
      t,
      'select id, display_name as "displayName" from participants where session_id = ? order by id',
      s.id,
    );
    expect(rows.length).toBe(before + 59);
    expect(rows.slice(before)).toEqual([...joined].sort((a, b) => a.id - b.id).map(({ id, displayName }) => ({ id, displayName })));
  });

  it('binds a participant token to its session', async () => {
    const one = await createSession(t, 'live');
    const two = await createSession(t, 'live');
    const j = (await t.app.inject({ method: 'POST', url: '/api/join', payload: { code: one.code } })).json();
    const other = await t.app.inject({ url: `/api/sessions/${two.id}`, headers: auth(j.token) });
    expect(other.statusCode).toBe(403);
    expect(errorCode(other)).toBe('WRONG_SESSION');
    const list = await t.app.inject({ url: '/api/sessions', headers: auth(j.token) });
    expect(list.statusCode).toBe(403);
  });

  it('validates the profile', async () => {
    const s = await createSession(t, 'open');
    const bad = await t.app.inject({ method: 'POST', url: '/api/join', payload: { code: s.code, group: 'astronaut' } });
    expect(bad.statusCode).toBe(400);
    expect(errorCode(bad)).toBe('INVALID_PAYLOAD');
    const noCode = await t.app.inject({ method: 'POST', url: '/api/join', payload: {} });
    expect(errorCode(noCode)).toBe('INVALID_PAYLOAD');
  });
});
