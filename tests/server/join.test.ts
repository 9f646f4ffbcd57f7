import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createSession, createTestApp, errorCode, type TestApp } from '../helpers/app';

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
    const row = t.db.$client.prepare('select contact, session_id from participants where id = ?').get(body.participant.id) as { contact: string; session_id: number };
    expect(row).toEqual({ contact: '0912 345 678', session_id: s.id });
    // the token reads its own session
    expect((await t.app.inject({ url: `/api/sessions/${s.id}`, headers: auth(body.token) })).statusCode).toBe(200);
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
