import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/schemas/entities';
import { auth, createSession, createStaff, createTestApp, dbRow, errorCode, joinSession, type TestApp } from '../helpers/app';
import { ask, collect, eventually, openSocket, sleep, type ClientSocket } from '../helpers/sockets';

/**
 * The attacks of issue 12, tried on the real server (real Fastify, real
 * SQLite, real socket.io-client): each must be limited while the hall's
 * ordinary use passes.
 */

const join = (t: TestApp, code: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/join', payload: { code }, headers });

describe('joins per address', () => {
  it('lets a 300-join hall burst from one address through, and limits a flood of 1,000 a minute', async () => {
    const t = await createTestApp();
    try {
      const s = await createSession(t, 'live');
      const started = Date.now();
      const hall = await Promise.all(Array.from({ length: 300 }, () => join(t, s.code)));
      expect(hall.map((r) => r.statusCode).filter((c) => c !== 200)).toEqual([]);
      // The same address keeps going up to 1,000 within the minute.
      const statuses: Record<number, number> = {};
      for (let i = 0; i < 7; i++) {
        const batch = await Promise.all(Array.from({ length: 100 }, () => join(t, s.code)));
        for (const r of batch) statuses[r.statusCode] = (statuses[r.statusCode] ?? 0) + 1;
      }
      expect(Date.now() - started).toBeLessThan(60_000);
      const refused = await join(t, s.code);
      expect([refused.statusCode, errorCode(refused)]).toEqual([429, 'RATE_LIMITED']);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // 600 a minute by default: about 300 more pass (a few more if a minute turned meanwhile), the rest are refused.
      expect(statuses[200]! + statuses[429]!).toBe(700);
      expect(statuses[200]).toBeGreaterThanOrEqual(300);
      expect(statuses[200]).toBeLessThanOrEqual(330);
      const stored = ((await dbRow(t, 'select count(*) n from participants')) as { n: number }).n;
      expect(stored).toBe(300 + statuses[200]!);
      // Another address is not affected (a direct client: the socket address is what counts).
      const other = await t.app.inject({ method: 'POST', url: '/api/join', payload: { code: s.code }, remoteAddress: '10.1.2.3' });
      expect(other.statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('turns the join limit off with RATE_LIMIT_JOINS_PER_IP_PER_MINUTE=0', async () => {
    const t = await createTestApp({ RATE_LIMIT_JOINS_PER_IP_PER_MINUTE: '0' });
    try {
      const s = await createSession(t, 'live');
      const res = await Promise.all(Array.from({ length: 700 }, () => join(t, s.code)));
      expect(res.filter((r) => r.statusCode !== 200)).toHaveLength(0);
    } finally {
      await t.close();
    }
  });
});

describe('banning a participant', () => {
  let t: TestApp;
  let s: Session;
  let moderator: string;
  const sockets: ClientSocket[] = [];
  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
    s = await createSession(t, 'live', { moderation: 'pre' });
    moderator = (await createStaff(t, 'moderator')).token;
  });
  afterAll(async () => {
    sockets.forEach((x) => x.close());
    await t.close();
  });

  it('removes its votes from the count and from every phone, rejects its pending questions, and refuses its token', async () => {
    const asker = await joinSession(t, s.code, { displayName: 'Người hỏi' });
    const q = (await t.app.inject({ method: 'POST', url: `/api/sessions/${s.id}/questions`, headers: auth(asker.token), payload: { text: 'Khi nào sửa đường liên thôn?' } })).json();
    await t.app.inject({ method: 'POST', url: `/api/questions/${q.id}/moderate`, headers: auth(moderator), payload: { action: 'approve' } });
    const stuffer = await joinSession(t, s.code, { displayName: 'Kẻ phá' });
    const voters = await Promise.all([1, 2, 3].map(() => joinSession(t, s.code)));

    // Phones of the hall, and the moderator's desk.
    const phones = await Promise.all(voters.map((v) => openSocket(t.url, v.token)));
    const desk = await openSocket(t.url, moderator);
    sockets.push(...phones, desk);
    expect((await ask(desk, 'session:join', { sessionId: s.id })).ok).toBe(true);
    const tallies = [...phones, desk].map((p) => collect(p, 'votes:tally'));
    const stufferSocket = await openSocket(t.url, stuffer.token);
    sockets.push(stufferSocket);
    const dropped = new Promise<string>((resolve) => stufferSocket.once('disconnect', (r) => resolve(r)));

    expect((await ask(stufferSocket, 'question:vote', { questionId: q.id })).ok).toBe(true);
    for (const p of phones) expect((await ask(p, 'question:vote', { questionId: q.id })).ok).toBe(true);
    const pending = await ask(stufferSocket, 'question:submit', { sessionId: s.id, text: 'Câu hỏi rác chờ duyệt' });
    expect(pending.ok && pending.data.status).toBe('pending');
    const last = (seen: { votes: Record<string, number> }[]) => [...seen].reverse().find((x) => x.votes[q.id] !== undefined)?.votes[q.id];
    await eventually(() => tallies.every((seen) => last(seen) === 4), 3000, 'every phone at 4 votes');

    const ban = await t.app.inject({ method: 'POST', url: `/api/participants/${stuffer.participantId}/ban`, headers: auth(moderator), payload: { reason: 'Bơm phiếu' } });
    expect(ban.statusCode).toBe(200);
    expect(ban.json()).toMatchObject({ participantId: stuffer.participantId, rejectedQuestions: [pending.ok && pending.data.id], recounted: [{ questionId: q.id, votes: 3 }] });

    // The count, and every phone's tally, without its vote.
    expect(((await dbRow(t, 'select votes from questions where id = ?', q.id)) as { votes: number }).votes).toBe(3);
    await eventually(() => tallies.every((seen) => last(seen) === 3), 3000, 'every phone at 3 votes');
    expect(await dropped).toBe('io server disconnect');
    // Its pending question is rejected; its token is refused over HTTP and sockets, with a stable code.
    expect(await dbRow(t, 'select status, reject_reason from questions where id = ?', pending.ok && pending.data.id)).toEqual({ status: 'rejected', reject_reason: 'abusive' });
    const again = await t.app.inject({ method: 'POST', url: `/api/questions/${q.id}/vote`, headers: auth(stuffer.token) });
    expect([again.statusCode, errorCode(again)]).toEqual([403, 'PARTICIPANT_BANNED']);
    const list = await t.app.inject({ url: `/api/sessions/${s.id}/questions`, headers: auth(stuffer.token) });
    expect(errorCode(list)).toBe('PARTICIPANT_BANNED');
    await expect(openSocket(t.url, stuffer.token)).rejects.toThrow('PARTICIPANT_BANNED');
    expect(((await dbRow(t, 'select votes from questions where id = ?', q.id)) as { votes: number }).votes).toBe(3);
  });

  it('keeps a ban across a restart of the process (it is in the database)', async () => {
    const p = await joinSession(t, s.code);
    await t.app.inject({ method: 'POST', url: `/api/participants/${p.participantId}/ban`, headers: auth(t.adminToken), payload: { reason: 'spam' } });
    const { ParticipantRegistry } = await import('../../server/domain/participants/participant-registry');
    const restarted = new ParticipantRegistry(t.app.services.port);
    await restarted.ready;
    expect(restarted.isBanned(p.participantId)).toBe(true);
  });

  it('is for the moderators and admins of the session; a reason is needed; an unknown participant is 404', async () => {
    const p = await joinSession(t, s.code);
    const url = `/api/participants/${p.participantId}/ban`;
    for (const role of ['leader', 'secretary'] as const) {
      const r = await t.app.inject({ method: 'POST', url, headers: auth((await createStaff(t, role)).token), payload: { reason: 'x' } });
      expect([r.statusCode, errorCode(r)]).toEqual([403, 'FORBIDDEN']);
    }
    const byParticipant = await t.app.inject({ method: 'POST', url, headers: auth(p.token), payload: { reason: 'x' } });
    expect(byParticipant.statusCode).toBe(403);
    const blank = await t.app.inject({ method: 'POST', url, headers: auth(moderator), payload: { reason: '\u200b ' } });
    expect([blank.statusCode, errorCode(blank)]).toEqual([400, 'INVALID_PAYLOAD']);
    const missing = await t.app.inject({ method: 'POST', url: '/api/participants/999999/ban', headers: auth(moderator), payload: { reason: 'x' } });
    expect(missing.statusCode).toBe(404);
    // Nothing happened to the participant.
    expect((await t.app.inject({ url: `/api/sessions/${s.id}/questions`, headers: auth(p.token) })).statusCode).toBe(200);
  });

  it('signals the moderators when many new participants vote the same way within seconds', async () => {
    const s2 = await createSession(t, 'live', { moderation: 'post' });
    const asker = await joinSession(t, s2.code);
    const q = (await t.app.inject({ method: 'POST', url: `/api/sessions/${s2.id}/questions`, headers: auth(asker.token), payload: { text: 'Câu hỏi được bơm phiếu' } })).json();
    const desk = await openSocket(t.url, moderator);
    sockets.push(desk);
    await ask(desk, 'session:join', { sessionId: s2.id });
    const alerts = collect(desk, 'moderation:alert');
    const fresh = await Promise.all(Array.from({ length: 30 }, () => joinSession(t, s2.code)));
    for (const f of fresh) await t.app.inject({ method: 'POST', url: `/api/questions/${q.id}/vote`, headers: auth(f.token) });
    const alert = await eventually(() => alerts[0], 3000, 'a vote surge alert');
    expect(alert).toMatchObject({ kind: 'vote_surge', sessionId: s2.id, questionId: q.id, windowSeconds: 10 });
    expect(alert.newVoters).toBeGreaterThanOrEqual(25);
    await sleep(300);
    expect(alerts).toHaveLength(1); // once per question, not once per vote
  });
});

describe('sockets', () => {
  it('refuses a sixth socket on one participant token, and lets another participant connect', async () => {
    const t = await createTestApp();
    await t.listen();
    const open: ClientSocket[] = [];
    try {
      const s = await createSession(t, 'live');
      const p = await joinSession(t, s.code);
      for (let i = 0; i < 5; i++) open.push(await openSocket(t.url, p.token));
      await expect(openSocket(t.url, p.token)).rejects.toThrow('TOO_MANY_SOCKETS');
      open.push(await openSocket(t.url, (await joinSession(t, s.code)).token));
      // A closed socket gives its place back.
      const gone = new Promise((r) => open[0]!.once('disconnect', r));
      open[0]!.close();
      await gone;
      await eventually(async () => true);
      await sleep(100);
      open.push(await openSocket(t.url, p.token));
    } finally {
      open.forEach((x) => x.close());
      await t.close();
    }
  });

  it('caps the sockets from one address (MAX_SOCKETS_PER_IP) and honours MAX_SOCKETS_PER_PARTICIPANT', async () => {
    const t = await createTestApp({ MAX_SOCKETS_PER_IP: '4', MAX_SOCKETS_PER_PARTICIPANT: '2' });
    await t.listen();
    const open: ClientSocket[] = [];
    try {
      const s = await createSession(t, 'live');
      const a = await joinSession(t, s.code);
      open.push(await openSocket(t.url, a.token), await openSocket(t.url, a.token));
      await expect(openSocket(t.url, a.token)).rejects.toThrow('TOO_MANY_SOCKETS');
      for (let i = 0; i < 2; i++) open.push(await openSocket(t.url, (await joinSession(t, s.code)).token));
      await expect(openSocket(t.url, (await joinSession(t, s.code)).token)).rejects.toThrow('TOO_MANY_SOCKETS');
      await expect(openSocket(t.url, t.adminToken)).rejects.toThrow('TOO_MANY_SOCKETS');
    } finally {
      open.forEach((x) => x.close());
      await t.close();
    }
  });

  it('limits session:join per socket and per token, builds one snapshot per state, and keeps /api/health quick meanwhile', async () => {
    const t = await createTestApp({ RATE_LIMIT_QUESTIONS_PER_MINUTE: '0', POST_MODERATION_PUBLISH_PER_MINUTE: '0' });
    await t.listen();
    const open: ClientSocket[] = [];
    try {
      const s = await createSession(t, 'live', { moderation: 'post' });
      const author = await joinSession(t, s.code);
      for (let i = 0; i < 200; i++) {
        await t.app.inject({ method: 'POST', url: `/api/sessions/${s.id}/questions`, headers: auth(author.token), payload: { text: `Câu hỏi số ${i} về giá điện, nước và đường sá trong xã ${'x'.repeat(200)}` } });
      }
      const tokens = await Promise.all(Array.from({ length: 4 }, () => joinSession(t, s.code)));
      for (const tk of tokens) for (let i = 0; i < 5; i++) open.push(await openSocket(t.url, tk.token));
      const cache = t.app.services.questions.snapshots.stats;
      const before = { ...cache };
      // 20 sockets × 90 session:join, all at once.
      const started = Date.now();
      let worstHealth = 0;
      const health = (async () => {
        while (Date.now() - started < 1500) {
          const h0 = Date.now();
          await fetch(`${t.url}/api/health`);
          worstHealth = Math.max(worstHealth, Date.now() - h0);
          await sleep(50);
        }
      })();
      const acks = await Promise.all(
        open.flatMap((sock) =>
          Array.from({ length: 90 }, () => ask(sock, 'session:join', { sessionId: s.id }).catch(() => ({ ok: false as const, error: { code: 'CUT_OFF' } }))),
        ),
      );
      await health;
      const ok = acks.filter((a) => a.ok).length;
      const limited = acks.filter((a) => !a.ok && a.error.code === 'RATE_LIMITED').length;
      // The rest went unanswered: past ~100 events a token's sockets are cut off by the flood guard.
      const cutOff = acks.filter((a) => !a.ok && a.error.code === 'CUT_OFF').length;
      expect(ok + limited + cutOff).toBe(1800);
      // Per token: a burst of 20 (5 sockets × a burst of 5 would be 25).
      expect(ok).toBeLessThanOrEqual(4 * 21);
      expect(ok).toBeGreaterThanOrEqual(4 * 5);
      // Built once for the public and shared.
      expect(cache.builds - before.builds).toBe(1);
      // The single build above is what removed the stall. Server and clients share this process and a
      // 2-core machine with whatever else runs, so the wall-clock bound only catches a stall grown back
      // far beyond noise (the quiet-machine figure is in the note, from scripts/attack-figures.ts).
      expect(worstHealth).toBeLessThan(5000);
      const first = acks.find((a) => a.ok);
      expect(first!.ok && first!.data.questions).toHaveLength(200);
      console.log(`[abuse] 1800 session:join: ${ok} answered, ${limited} limited, ${cutOff} cut off; snapshot builds ${cache.builds - before.builds}; worst /api/health ${worstHealth} ms`);
    } finally {
      open.forEach((x) => x.close());
      await t.close();
    }
  });

  it('keys the flood guard by participant: reconnecting does not buy a fresh budget', async () => {
    const t = await createTestApp({ RATE_LIMIT_VOTES_PER_MINUTE: '0' });
    await t.listen();
    try {
      const s = await createSession(t, 'live', { moderation: 'post' });
      const p = await joinSession(t, s.code);
      const flood = await openSocket(t.url, p.token);
      const cut = new Promise<string>((resolve) => flood.once('disconnect', (r) => resolve(r)));
      for (let i = 0; i < 150; i++) flood.emit('question:vote', { questionId: 1 }, () => {});
      expect(await cut).toBe('io server disconnect');
      // A new socket of the same token starts with an empty budget, and is cut at once too.
      const again = await openSocket(t.url, p.token);
      const cutAgain = new Promise<string>((resolve) => again.once('disconnect', (r) => resolve(r)));
      again.emit('question:vote', { questionId: 1 }, () => {});
      expect(await cutAgain).toBe('io server disconnect');
      // Someone else is not affected.
      const other = await openSocket(t.url, (await joinSession(t, s.code)).token);
      expect((await ask(other, 'session:join', { sessionId: s.id })).ok).toBe(true);
      other.close();
    } finally {
      await t.close();
    }
  });
});

describe('login flood', () => {
  it('limits random-username guessing per address, answers at once instead of queueing, and static files still load in under a second', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join: joinPath } = await import('node:path');
    const { randomBytes } = await import('node:crypto');
    const clientDir = mkdtempSync(joinPath(tmpdir(), 'langnghe-client-'));
    mkdirSync(joinPath(clientDir, 'assets'));
    writeFileSync(joinPath(clientDir, 'index.html'), '<!doctype html><script type="module" src="/assets/app.js"></script>');
    writeFileSync(joinPath(clientDir, 'assets', 'app.js'), `// ${'x'.repeat(300_000)}\n`);
    const t = await createTestApp({ CLIENT_DIR: clientDir });
    await t.listen();
    try {
      const mod = await createStaff(t, 'moderator');
      const password = `pw-${mod.user.username}-secret`;
      // The moderator signed in from this laptop before the session: the server gave it a device token.
      const first = await fetch(`${t.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: mod.user.username, password }) });
      const { deviceToken } = (await first.json()) as { deviceToken: string };

      const started = Date.now();
      let stop = false;
      const assetTimes: number[] = [];
      const assets = (async () => {
        while (!stop) {
          const a0 = Date.now();
          const r = await fetch(`${t.url}/assets/app.js`);
          await r.arrayBuffer();
          expect(r.status).toBe(200);
          assetTimes.push(Date.now() - a0);
          await sleep(20);
        }
      })();
      const statuses: Record<number, number> = {};
      let slowest = 0;
      const attempt = async () => {
        const a0 = Date.now();
        const r = await fetch(`${t.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: `u${randomBytes(6).toString('hex')}`, password: 'guess-guess' }),
        });
        await r.arrayBuffer();
        slowest = Math.max(slowest, Date.now() - a0);
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      };
      // 400 attempts, 20 at a time (the issue saw ~200 a second from one laptop).
      for (let wave = 0; wave < 20; wave++) await Promise.all(Array.from({ length: 20 }, attempt));
      // The venue's moderator, same address, in the middle of the flood: a known device gets in.
      const during = await fetch(`${t.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: mod.user.username, password, deviceToken }),
      });
      stop = true;
      await assets;
      const seconds = (Date.now() - started) / 1000;
      console.log(`[abuse] login flood: 400 attempts in ${seconds.toFixed(1)} s → ${JSON.stringify(statuses)}; slowest answer ${slowest} ms; asset loads ${assetTimes.length}, slowest ${Math.max(...assetTimes)} ms [${assetTimes.join(",")}]`);
      // Per address: about 30 failed attempts (wrong, or turned away with 503 because the hashing
      // slots were full), then 429 before any hashing.
      expect((statuses[401] ?? 0) + (statuses[503] ?? 0)).toBeLessThanOrEqual(30 + 20);
      expect(statuses[429] ?? 0).toBeGreaterThan(300);
      expect((statuses[401] ?? 0) + (statuses[429] ?? 0) + (statuses[503] ?? 0)).toBe(400);
      // Under a second (76 s before the hashing cap). Server, attacker and browser share this process and
      // two cores with whatever else runs: nine loads in ten under a second, none anywhere near the old stall.
      const sorted = [...assetTimes].sort((a, b) => a - b);
      // Wall-clock on a shared machine: bounds that catch the old queueing (76 s) with room for noise;
      // the under-a-second figure on a quiet machine comes from scripts/attack-figures.ts.
      expect(sorted[Math.floor(sorted.length * 0.9)]).toBeLessThan(2000);
      expect(sorted[sorted.length - 1]).toBeLessThan(5000);
      expect(assetTimes.length).toBeGreaterThan(5);
      expect(during.status).toBe(200);
      // Without the device token, the same address is held (a new device signs in from elsewhere, or after the wait).
      const fresh = await fetch(`${t.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: mod.user.username, password }) });
      expect(fresh.status).toBe(429);
      const elsewhere = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: mod.user.username, password }, remoteAddress: '10.9.8.7' });
      expect(elsewhere.statusCode).toBe(200);
      // A device token is no login: it is refused as a bearer token.
      const asBearer = await t.app.inject({ url: '/api/me', headers: auth(deviceToken) });
      expect(asBearer.statusCode).toBe(401);
    } finally {
      await t.close();
    }
  });

  it('answers 503 SERVER_BUSY at once when every hashing slot is taken, instead of queueing', async () => {
    const t = await createTestApp({ LOGIN_MAX_CONCURRENT_HASHES: '1', RATE_LIMIT_LOGIN_FAILURES_PER_IP: '0' });
    try {
      const res = await Promise.all(
        Array.from({ length: 6 }, (_, i) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: `ghost${i}`, password: 'nope-nope' } })),
      );
      const codes = res.map((r) => errorCode(r));
      expect(codes.filter((c) => c === 'INVALID_CREDENTIALS')).toHaveLength(1);
      expect(codes.filter((c) => c === 'SERVER_BUSY')).toHaveLength(5);
      const busy = res.find((r) => errorCode(r) === 'SERVER_BUSY')!;
      expect([busy.statusCode, busy.headers['retry-after']]).toEqual([503, '1']);
    } finally {
      await t.close();
    }
  });
});

describe('TRUST_PROXY behind a standard nginx ($proxy_add_x_forwarded_for)', () => {
  // nginx appends the address it saw to whatever X-Forwarded-For the client sent:
  // "what the client wrote, ..., the client's real address".
  const viaNginx = (clientWrote: string, realClient: string) => ({ 'x-forwarded-for': `${clientWrote}, ${realClient}` });

  for (const setting of ['true', '127.0.0.1', '10.0.0.0/8,127.0.0.1']) {
    it(`keys limits on the address nginx saw, whatever the client writes (TRUST_PROXY=${setting})`, async () => {
      const t = await createTestApp({ TRUST_PROXY: setting, RATE_LIMIT_JOINS_PER_IP_PER_MINUTE: '5' });
      try {
        const s = await createSession(t, 'live');
        const codes: number[] = [];
        for (let i = 0; i < 8; i++) {
          const r = await t.app.inject({ method: 'POST', url: '/api/join', payload: { code: s.code }, headers: viaNginx(`6.6.6.${i}, 7.7.7.${i}`, '203.0.113.9'), remoteAddress: '127.0.0.1' });
          codes.push(r.statusCode);
        }
        expect(codes).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
        // Another citizen behind the same proxy has their own budget.
        const other = await t.app.inject({ method: 'POST', url: '/api/join', payload: { code: s.code }, headers: viaNginx('203.0.113.9', '198.51.100.4'), remoteAddress: '127.0.0.1' });
        expect(other.statusCode).toBe(200);
      } finally {
        await t.close();
      }
    });
  }

  it('ignores X-Forwarded-For from an address that is not the listed proxy', async () => {
    const t = await createTestApp({ TRUST_PROXY: '10.0.0.5', RATE_LIMIT_JOINS_PER_IP_PER_MINUTE: '3' });
    try {
      const s = await createSession(t, 'live');
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        codes.push((await t.app.inject({ method: 'POST', url: '/api/join', payload: { code: s.code }, headers: { 'x-forwarded-for': `6.6.6.${i}` }, remoteAddress: '192.0.2.50' })).statusCode);
      }
      expect(codes).toEqual([200, 200, 200, 429, 429]);
    } finally {
      await t.close();
    }
  });

  it('counts sockets per address by the same rule', async () => {
    const t = await createTestApp({ TRUST_PROXY: 'true', MAX_SOCKETS_PER_IP: '2' });
    await t.listen();
    const open: ClientSocket[] = [];
    try {
      const s = await createSession(t, 'live');
      const through = (clientWrote: string, real: string) => ({ extraHeaders: viaNginx(clientWrote, real) });
      for (let i = 0; i < 2; i++) open.push(await openSocket(t.url, (await joinSession(t, s.code)).token, through(`6.6.6.${i}`, '203.0.113.9')));
      await expect(openSocket(t.url, (await joinSession(t, s.code)).token, through('6.6.6.99', '203.0.113.9'))).rejects.toThrow('TOO_MANY_SOCKETS');
      open.push(await openSocket(t.url, (await joinSession(t, s.code)).token, through('203.0.113.9', '198.51.100.4')));
    } finally {
      open.forEach((x) => x.close());
      await t.close();
    }
  });

  it('warns at start about risky settings', async () => {
    const { trustProxyWarnings } = await import('../../server/http/client-address');
    expect(trustProxyWarnings(true, '0.0.0.0')).toHaveLength(1);
    expect(trustProxyWarnings(true, '127.0.0.1')).toEqual([]);
    expect(trustProxyWarnings('0.0.0.0/0', '127.0.0.1')[0]).toMatch(/0\.0\.0\.0\/0/);
    expect(trustProxyWarnings('10.0.0.0/8,127.0.0.1', '0.0.0.0')).toEqual([]);
    expect(trustProxyWarnings(false, '0.0.0.0')).toEqual([]);
  });

  // The server it starts keeps its data in SQLite whatever TEST_DB says: once, in the SQLite run.
  it.skipIf(process.env.TEST_DB === 'pg')('says the warning when the server really starts with a risky setting, and none with a safe one', { timeout: 180_000 }, async () => {
    const { spawn } = await import('node:child_process');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join: joinPath } = await import('node:path');
    const { existsSync } = await import('node:fs');
    // The built server when there is one (`npm test` builds first; it starts in a fraction of tsx's time), else the sources.
    const built = joinPath(process.cwd(), 'dist/server/main.js');
    const [cmd, args] = existsSync(built) ? [process.execPath, [built]] : [joinPath(process.cwd(), 'node_modules/.bin/tsx'), ['server/main.ts']];
    // Starts the server as an operator would, until it says it is running (or exits), and returns what it said.
    const start = async (env: Record<string, string>): Promise<string> => {
      const dataDir = mkdtempSync(joinPath(tmpdir(), 'langnghe-warn-'));
      const proc = spawn(cmd, args, {
        env: { ...process.env, NODE_ENV: 'production', DATA_DIR: dataDir, PORT: '0', ADMIN_PASSWORD: 'warn-test-admin-password', LOG_LEVEL: 'warn', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<number | null>((r) => proc.once('exit', r));
      let said = '';
      try {
        await new Promise<void>((resolve, reject) => {
          const hear = (d: Buffer) => {
            said += d.toString();
            if (said.includes('is running at')) resolve();
          };
          proc.stdout.on('data', hear);
          proc.stderr.on('data', hear);
          void exited.then((code) => reject(new Error(`server exited (${code}): ${said}`)));
        });
      } finally {
        if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
        await exited;
        rmSync(dataDir, { recursive: true, force: true });
      }
      return said;
    };
    // Both at once: each start loads the whole app (tens of seconds on a busy 2-core machine).
    const [risky, safe] = await Promise.all([start({ TRUST_PROXY: 'true', HOST: '0.0.0.0' }), start({ TRUST_PROXY: '127.0.0.1', HOST: '127.0.0.1' })]);
    expect(risky).toMatch(/WARNING: TRUST_PROXY=true and HOST=0\.0\.0\.0/);
    expect(safe).toContain('is running at');
    expect(safe).not.toContain('WARNING');
  });
});

describe('a question flood in a post-moderated session', () => {
  it('publishes a hall-sized burst at once and holds the rest of a flood for the moderators', async () => {
    const t = await createTestApp();
    try {
      const s = await createSession(t, 'live', { moderation: 'post' });
      const people = await Promise.all(Array.from({ length: 60 }, () => joinSession(t, s.code)));
      const statuses: Record<string, number> = {};
      const started = Date.now();
      for (const p of people) {
        for (let i = 0; i < 5; i++) {
          const r = await t.app.inject({ method: 'POST', url: `/api/sessions/${s.id}/questions`, headers: auth(p.token), payload: { text: `Câu hỏi rác ${p.participantId}-${i}` } });
          expect(r.statusCode).toBe(200);
          statuses[r.json().status] = (statuses[r.json().status] ?? 0) + 1;
        }
      }
      // 300 questions within seconds: a burst of 120 published (plus 2 a second since), the rest waiting
      // for a moderator; nothing lost.
      const seconds = (Date.now() - started) / 1000;
      expect(statuses.approved).toBeGreaterThanOrEqual(120);
      expect(statuses.approved).toBeLessThanOrEqual(120 + Math.ceil(2 * seconds) + 1);
      expect(statuses.pending).toBeGreaterThan(100);
      expect(statuses.approved! + statuses.pending!).toBe(300);
      const phone = await t.app.inject({ url: `/api/sessions/${s.id}/questions`, headers: auth((await joinSession(t, s.code)).token) });
      expect(phone.json().length).toBe(statuses.approved);
    } finally {
      await t.close();
    }
  });
});
