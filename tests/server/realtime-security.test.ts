import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createSession, createStaff, createTestApp, dbRow, joinSession, type TestApp } from '../helpers/app';
import { ask, collect, eventually, openSocket, sleep, type ClientSocket } from '../helpers/sockets';

describe('realtime security', () => {
  let t: TestApp;
  const sockets: ClientSocket[] = [];
  const open = async (token: string | undefined, extra = {}) => {
    const s = await openSocket(t.url, token, extra);
    sockets.push(s);
    return s;
  };
  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await t.close();
  });

  it('fails the handshake without a token or with a bad one', async () => {
    await expect(open(undefined)).rejects.toThrow('UNAUTHORIZED');
    await expect(open('not-a-jwt')).rejects.toThrow('TOKEN_INVALID');
    const expired = t.app.jwt.sign({ typ: 'participant', sub: '1', sid: 1 }, { expiresIn: -5 } as never);
    await expect(open(expired)).rejects.toThrow('TOKEN_EXPIRED');
  });

  it('refuses a foreign Origin and accepts its own', async () => {
    const s = await createSession(t, 'live');
    const p = await joinSession(t, s.code);
    await expect(open(p.token, { extraHeaders: { origin: 'https://evil.example' } })).rejects.toThrow();
    const own = await open(p.token, { extraHeaders: { origin: t.url } });
    expect(own.connected).toBe(true);
  });

  it('keeps participants to their own session and staff actions to staff', async () => {
    const s = await createSession(t, 'live', { moderation: 'post' });
    const other = await createSession(t, 'live', { moderation: 'post' });
    const p = await joinSession(t, s.code);
    const stranger = await joinSession(t, other.code);
    const sock = await open(p.token);
    const strangerSock = await open(stranger.token);
    const leader = await createStaff(t, 'leader');
    const leaderSock = await open(leader.token);
    const leaked = collect(strangerSock, 'question:created');

    const q = await ask(sock, 'question:submit', { sessionId: s.id, text: 'Câu hỏi trong phiên A' });
    expect(q.ok).toBe(true);
    if (!q.ok) return;
    const cases = [
      await ask(strangerSock, 'session:join', { sessionId: s.id }),
      await ask(strangerSock, 'question:submit', { sessionId: s.id, text: 'x' }),
      await ask(strangerSock, 'question:vote', { questionId: q.data.id }),
      await ask(sock, 'question:moderate', { questionId: q.data.id, action: 'stage' }),
      await ask(leaderSock, 'question:moderate', { questionId: q.data.id, action: 'stage' }),
      await ask(leaderSock, 'question:vote', { questionId: q.data.id }),
    ];
    expect(cases.map((c) => (c.ok ? 'ok' : c.error.code))).toEqual(['WRONG_SESSION', 'WRONG_SESSION', 'WRONG_SESSION', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    await sleep(200);
    expect(leaked).toEqual([]);
    expect(await dbRow(t, 'select status from questions where id = ?', q.data.id)).toEqual({ status: 'approved' });
  });

  it('answers invalid payloads with INVALID_PAYLOAD and changes nothing', async () => {
    const s = await createSession(t, 'live', { moderation: 'post' });
    const p = await joinSession(t, s.code);
    const sock = await open(p.token);
    const before = await dbRow(t, 'select count(*) n from questions');
    const bad: [string, unknown][] = [
      ['question:submit', { sessionId: s.id }],
      ['question:submit', { sessionId: String(s.id), text: 'x' }],
      ['question:submit', { sessionId: s.id, text: ['x'] }],
      ['question:submit', { sessionId: s.id, text: 'x', extra: { deep: { deeper: [1, 2, 3] } } }],
      ['question:submit', null],
      ['question:submit', 'text'],
      ['question:vote', { questionId: -1 }],
      ['question:vote', { questionId: 1.5 }],
      ['question:moderate', { questionId: 1, action: 'explode' }],
      ['session:join', {}],
    ];
    for (const [event, payload] of bad) {
      const res = (await (sock.timeout(3000) as unknown as { emitWithAck: (e: string, p: unknown) => Promise<unknown> }).emitWithAck(event, payload)) as {
        ok: boolean;
        error?: { code: string };
      };
      expect(res, `${event} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    }
    expect(await dbRow(t, 'select count(*) n from questions')).toEqual(before);
    expect(sock.connected).toBe(true);
  });

  it('drops a socket that sends an oversized frame, and the others carry on', async () => {
    const s = await createSession(t, 'live', { moderation: 'post' });
    const a = await joinSession(t, s.code);
    const b = await joinSession(t, s.code);
    const big = await open(a.token);
    const calm = await open(b.token);
    const closed = new Promise((r) => big.once('disconnect', r));
    big.emit('question:submit', { sessionId: s.id, text: 'x'.repeat(100_000) } as never, () => {});
    await closed;
    const ok = await ask(calm, 'question:submit', { sessionId: s.id, text: 'Vẫn hoạt động' });
    expect(ok.ok).toBe(true);
  });

  it('cuts off a flooding socket without disturbing others', async () => {
    const s = await createSession(t, 'live', { moderation: 'post' });
    const a = await joinSession(t, s.code);
    const b = await joinSession(t, s.code);
    const flood = await open(a.token);
    const calm = await open(b.token);
    const dropped = new Promise((r) => flood.once('disconnect', r));
    for (let i = 0; i < 400; i++) flood.emit('session:join', { sessionId: s.id }, () => {});
    await dropped;
    const ok = await ask(calm, 'session:join', { sessionId: s.id });
    expect(ok.ok).toBe(true);
  });

  it('stops honouring a token that expires while the socket is open', async () => {
    const s = await createSession(t, 'live', { moderation: 'post' });
    const p = await joinSession(t, s.code);
    const short = t.app.jwt.sign({ typ: 'participant', sub: String(p.participantId), sid: s.id }, { expiresIn: 1 });
    const sock = await open(short);
    expect((await ask(sock, 'session:join', { sessionId: s.id })).ok).toBe(true);
    await eventually(() => !sock.connected, 3000, 'disconnect at expiry');
  });

  it('drops the open sockets of a staff user who is disabled', async () => {
    const s = await createSession(t, 'live');
    const mod = await createStaff(t, 'moderator');
    const sock = await open(mod.token);
    expect((await ask(sock, 'session:join', { sessionId: s.id })).ok).toBe(true);
    const res = await t.app.inject({ method: 'PATCH', url: `/api/users/${mod.user.id}`, headers: auth(t.adminToken), payload: { disabled: true } });
    expect(res.statusCode).toBe(200);
    await eventually(() => !sock.connected, 3000, 'disabled user dropped');
    await expect(open(mod.token)).rejects.toThrow('USER_DISABLED');
  });

  it('sends participants no pending question of others and no contact, ever', async () => {
    const s = await createSession(t, 'live', { moderation: 'pre' });
    const author = await joinSession(t, s.code, { displayName: 'Người hỏi', contact: 'secret-contact@example.vn' });
    const watcher = await joinSession(t, s.code);
    const mod = await createStaff(t, 'moderator');
    const watcherSock = await open(watcher.token);
    const modSock = await open(mod.token);
    await ask(modSock, 'session:join', { sessionId: s.id });
    const everything: unknown[] = [];
    watcherSock.onAny((_e, payload) => everything.push(payload));
    const modSaw: unknown[] = [];
    modSock.onAny((_e, payload) => modSaw.push(payload));
    const authorSock = await open(author.token);
    const q = await ask(authorSock, 'question:submit', { sessionId: s.id, text: 'Câu hỏi bị từ chối' });
    if (!q.ok) throw new Error('submit failed');
    await ask(modSock, 'question:moderate', { questionId: q.data.id, action: 'reject', reason: 'personal_data' });
    await eventually(() => modSaw.length >= 2, 2000, 'moderator events');
    await sleep(300);
    expect(everything).toEqual([]);
    expect(JSON.stringify(modSaw)).not.toContain('secret-contact');
  });
});
