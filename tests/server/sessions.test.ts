import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOIN_CODE_ALPHABET } from '../../server/domain/sessions/join-code';
import { auth, createSession, createStaff, createTestApp, dbRows, dbRun, errorCode, sessionBody, setStatus, type TestApp } from '../helpers/app';

describe('sessions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('creates a session with a 6-character code from the unambiguous alphabet', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/sessions',
      headers: auth(t.adminToken),
      payload: sessionBody({
        place: 'Nhà văn hóa xã',
        panel: [{ name: 'Nguyễn Thị Hương', title: 'Chủ tịch UBND xã', agency: 'UBND xã' }],
      }),
    });
    expect(res.statusCode).toBe(201);
    const s = res.json();
    expect(s.status).toBe('draft');
    expect(s.code).toMatch(new RegExp(`^[${JOIN_CODE_ALPHABET}]{6}$`));
    expect(s.panel).toEqual([expect.objectContaining({ name: 'Nguyễn Thị Hương', title: 'Chủ tịch UBND xã' })]);
    expect(s.maxQuestionLength).toBe(1000);
    const got = await t.app.inject({ url: `/api/sessions/${s.id}`, headers: auth(t.adminToken) });
    expect(got.json()).toEqual(s);
  });

  it('walks the whole lifecycle and refuses illegal moves with 409', async () => {
    const s = await createSession(t, 'draft');
    const move = (status: string) =>
      t.app.inject({ method: 'PATCH', url: `/api/sessions/${s.id}`, headers: auth(t.adminToken), payload: { status } });
    expect((await move('live')).statusCode).toBe(409);
    expect(errorCode(await move('closed'))).toBe('ILLEGAL_TRANSITION');
    expect((await move('open')).json().status).toBe('open');
    expect((await move('open')).statusCode).toBe(200); // same status: no change
    const live = (await move('live')).json();
    expect(live.startedAt).toBeTruthy();
    expect((await move('paused')).json().status).toBe('paused');
    expect((await move('live')).json().status).toBe('live');
    expect((await move('open')).statusCode).toBe(409);
    const closed = (await move('closed')).json();
    expect(closed.closedAt).toBeTruthy();
    expect((await move('live')).statusCode).toBe(409);
    expect((await move('archived')).json().status).toBe('archived');
    expect((await move('closed')).statusCode).toBe(409);
    const bad = await move('finished');
    expect(bad.statusCode).toBe(400);
    expect(errorCode(bad)).toBe('INVALID_PAYLOAD');
  });

  it('lets admins edit fields and records the change in the audit log', async () => {
    const s = await createSession(t, 'open');
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/sessions/${s.id}`,
      headers: auth(t.adminToken),
      payload: { title: 'Đối thoại về chuyển đổi số', moderation: 'post', maxQuestionLength: 500 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ title: 'Đối thoại về chuyển đổi số', moderation: 'post', maxQuestionLength: 500, status: 'open' });
    const audit = (await dbRows(t, "select action, before, after from audit_log where entity = 'session' and entity_id = ? order by id", s.id)) as { action: string; before: string; after: string }[];
    expect(audit.map((a) => a.action)).toEqual(['session.create', 'session.status.open', 'session.update']);
    expect(JSON.parse(audit[2]!.before).title).toBe(s.title);
    expect(JSON.parse(audit[2]!.after).title).toBe('Đối thoại về chuyển đổi số');
  });

  it('checks roles: staff may read, only admins create and edit', async () => {
    const mod = await createStaff(t, 'moderator');
    const leader = await createStaff(t, 'leader');
    const s = await createSession(t, 'open');
    expect((await t.app.inject({ url: '/api/sessions', headers: auth(leader.token) })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/api/sessions/${s.id}`, headers: auth(mod.token) })).statusCode).toBe(200);
    const create = await t.app.inject({ method: 'POST', url: '/api/sessions', headers: auth(mod.token), payload: sessionBody() });
    expect(create.statusCode).toBe(403);
    const patch = await t.app.inject({ method: 'PATCH', url: `/api/sessions/${s.id}`, headers: auth(leader.token), payload: { status: 'live' } });
    expect(patch.statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/sessions' })).statusCode).toBe(401);
  });

  it('answers 404 for an unknown session and 400 for a malformed id', async () => {
    const res = await t.app.inject({ url: '/api/sessions/99999', headers: auth(t.adminToken) });
    expect(res.statusCode).toBe(404);
    expect(errorCode(res)).toBe('SESSION_NOT_FOUND');
    const bad = await t.app.inject({ url: '/api/sessions/abc', headers: auth(t.adminToken) });
    expect(bad.statusCode).toBe(400);
    expect(errorCode(bad)).toBe('INVALID_PAYLOAD');
  });

  it('validates bodies strictly and changes nothing on bad input', async () => {
    const s = await createSession(t, 'open');
    const cases = [
      { title: '' },
      { maxQuestionLength: 'lots' },
      { moderation: 'sometimes' },
      { startsAt: 'tomorrow' },
      { unknownField: 1 },
      {},
    ];
    for (const payload of cases) {
      const res = await t.app.inject({ method: 'PATCH', url: `/api/sessions/${s.id}`, headers: auth(t.adminToken), payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(errorCode(res)).toBe('INVALID_PAYLOAD');
    }
    const notJson = await t.app.inject({
      method: 'POST',
      url: '/api/sessions',
      headers: { ...auth(t.adminToken), 'content-type': 'application/json' },
      payload: '{"title": ',
    });
    expect(notJson.statusCode).toBe(400);
    expect(errorCode(notJson)).toBe('INVALID_JSON');
    const huge = await t.app.inject({
      method: 'POST',
      url: '/api/sessions',
      headers: auth(t.adminToken),
      payload: { ...sessionBody(), description: 'x'.repeat(200_000) },
    });
    expect(huge.statusCode).toBe(413);
    expect(errorCode(huge)).toBe('PAYLOAD_TOO_LARGE');
    const after = await t.app.inject({ url: `/api/sessions/${s.id}`, headers: auth(t.adminToken) });
    expect(after.json()).toEqual(s);
  });

  it('gives an archived session\'s code back, and keeps codes unique among the others', async () => {
    const codes = new Set<string>();
    for (let i = 0; i < 30; i++) codes.add((await createSession(t, 'draft')).code);
    expect(codes.size).toBe(30);
    const archived = await createSession(t, 'archived');
    // Force a clash: a new session may reuse the archived code.
    await dbRun(t, "update sessions set code = ? where status = 'draft' and id = (select max(id) from sessions where status = 'draft')", archived.code);
    const dup = await dbRun(t, "update sessions set code = ? where status = 'draft' and id = (select min(id) from sessions where status = 'draft')", archived.code).then(
      () => null,
      (err: unknown) => err,
    );
    // SQLite's UNIQUE constraint failed, PostgreSQL's 23505.
    expect(t.port.isUniqueViolation(dup), String(dup)).toBe(true);
    void setStatus;
  });
});
