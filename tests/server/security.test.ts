import ExcelJS from 'exceljs';
import { createHmac } from 'node:crypto';
import { tmpdir } from 'node:os';
import { loadConfig } from '../../server/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createSession, createStaff, createTestApp, dbRow, dbRows, errorCode, joinSession, type TestApp } from '../helpers/app';
import { ask, eventually, openSocket, type ClientSocket } from '../helpers/sockets';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const hmac = (alg: 'sha256' | 'sha512', secret: string, head: object, body: object) => {
  const h = b64(head);
  const p = b64(body);
  return `${h}.${p}.${createHmac(alg, secret).update(`${h}.${p}`).digest('base64url')}`;
};
const now = () => Math.floor(Date.now() / 1000);

describe('tokens', () => {
  let t: TestApp;
  const sockets: ClientSocket[] = [];
  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await t.close();
  });

  it('refuses forged, re-algorithmed, expired and unknown-user tokens on HTTP and on the socket handshake', async () => {
    const secret = t.config.jwtSecret;
    const staffClaims = { typ: 'staff', sub: '1', iat: now(), exp: now() + 3600 };
    const forged: [string, string, string][] = [
      ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(staffClaims)}.`, 'TOKEN_INVALID'],
      ['alg None, signature kept', `${b64({ alg: 'None', typ: 'JWT' })}.${b64(staffClaims)}.${t.adminToken.split('.')[2]}`, 'TOKEN_INVALID'],
      ['HS512 with the real secret', hmac('sha512', secret, { alg: 'HS512', typ: 'JWT' }, staffClaims), 'TOKEN_INVALID'],
      ['HS256 with another secret', hmac('sha256', 'guessed-secret', { alg: 'HS256', typ: 'JWT' }, staffClaims), 'TOKEN_INVALID'],
      ['RS256 header', `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(staffClaims)}.AAAA`, 'TOKEN_INVALID'],
      ['tampered payload', `${t.adminToken.split('.')[0]}.${b64({ ...staffClaims, sub: '2' })}.${t.adminToken.split('.')[2]}`, 'TOKEN_INVALID'],
      ['expired', hmac('sha256', secret, { alg: 'HS256', typ: 'JWT' }, { ...staffClaims, exp: now() - 5 }), 'TOKEN_EXPIRED'],
      ['unknown user (deleted)', hmac('sha256', secret, { alg: 'HS256', typ: 'JWT' }, { ...staffClaims, sub: '999999' }), 'USER_DISABLED'],
      ['no typ', hmac('sha256', secret, { alg: 'HS256', typ: 'JWT' }, { sub: '1', exp: now() + 60 }), 'TOKEN_INVALID'],
      ['participant without session', hmac('sha256', secret, { alg: 'HS256', typ: 'JWT' }, { typ: 'participant', sub: '1', exp: now() + 60 }), 'TOKEN_INVALID'],
      ['three dots of nothing', '..', 'TOKEN_INVALID'],
      ['huge', 'a'.repeat(6000), 'TOKEN_INVALID'],
    ];
    for (const [what, token, code] of forged) {
      const res = await t.app.inject({ url: '/api/sessions', headers: auth(token) });
      expect(res.statusCode, what).toBe(401);
      expect(errorCode(res), what).toBe(code);
      // The same token on a public route is refused too: the client learns it is stale.
      expect((await t.app.inject({ url: '/api/health', headers: auth(token) })).statusCode, what).toBe(401);
      await expect(openSocket(t.url, token), what).rejects.toThrow(code);
    }
    // The genuine token still works: the refusals above were about the tokens.
    expect((await t.app.inject({ url: '/api/sessions', headers: auth(t.adminToken) })).statusCode).toBe(200);
  });

  it('refuses a participant token on another session, over HTTP and socket', async () => {
    const a = await createSession(t, 'live', { moderation: 'post' });
    const b = await createSession(t, 'live', { moderation: 'post' });
    const pa = await joinSession(t, a.code);
    const pb = await joinSession(t, b.code);
    const q = await t.app.inject({ method: 'POST', url: `/api/sessions/${b.id}/questions`, headers: auth(pb.token), payload: { text: 'Câu hỏi của phiên B' } });
    const qid = q.json().id as number;
    const http = [
      await t.app.inject({ url: `/api/sessions/${b.id}/questions`, headers: auth(pa.token) }),
      await t.app.inject({ method: 'POST', url: `/api/sessions/${b.id}/questions`, headers: auth(pa.token), payload: { text: 'Chen vào phiên khác' } }),
      await t.app.inject({ method: 'POST', url: `/api/questions/${qid}/vote`, headers: auth(pa.token) }),
    ];
    expect(http.map((r) => [r.statusCode, errorCode(r)])).toEqual([
      [403, 'WRONG_SESSION'],
      [403, 'WRONG_SESSION'],
      [403, 'WRONG_SESSION'],
    ]);
    const sock = await openSocket(t.url, pa.token);
    sockets.push(sock);
    const acks = [
      await ask(sock, 'session:join', { sessionId: b.id }),
      await ask(sock, 'question:vote', { questionId: qid }),
      await ask(sock, 'question:submit', { sessionId: b.id, text: 'Chen vào phiên khác' }),
    ];
    expect(acks.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['WRONG_SESSION', 'WRONG_SESSION', 'WRONG_SESSION']);
    expect(await dbRow(t, 'select votes from questions where id = ?', qid)).toEqual({ votes: 0 });
  });

  it('drops every open socket of a disabled staff user, and refuses them from then on', async () => {
    const s = await createSession(t, 'live');
    const mod = await createStaff(t, 'moderator');
    const first = await openSocket(t.url, mod.token);
    const second = await openSocket(t.url, mod.token);
    sockets.push(first, second);
    expect((await ask(first, 'session:join', { sessionId: s.id })).ok).toBe(true);
    const res = await t.app.inject({ method: 'PATCH', url: `/api/users/${mod.user.id}`, headers: auth(t.adminToken), payload: { disabled: true } });
    expect(res.statusCode).toBe(200);
    await eventually(() => !first.connected && !second.connected, 3000, 'both sockets dropped');
    await expect(openSocket(t.url, mod.token)).rejects.toThrow('USER_DISABLED');
    const http = await t.app.inject({ url: '/api/me', headers: auth(mod.token) });
    expect([http.statusCode, errorCode(http)]).toEqual([401, 'USER_DISABLED']);
  });

  it('takes back the role of a demoted user at once (staff tokens are re-checked)', async () => {
    const mod = await createStaff(t, 'moderator');
    const s = await createSession(t, 'live', { moderation: 'pre' });
    const p = await joinSession(t, s.code);
    const q = (await t.app.inject({ method: 'POST', url: `/api/sessions/${s.id}/questions`, headers: auth(p.token), payload: { text: 'Câu hỏi chờ duyệt' } })).json();
    await t.app.inject({ method: 'PATCH', url: `/api/users/${mod.user.id}`, headers: auth(t.adminToken), payload: { role: 'leader' } });
    const res = await t.app.inject({ method: 'POST', url: `/api/questions/${q.id}/moderate`, headers: auth(mod.token), payload: { action: 'approve' } });
    expect([res.statusCode, errorCode(res)]).toEqual([403, 'FORBIDDEN']);
  });
});

describe('abuse limits', () => {
  it('lets a whole hall join from one address under the default request limit (the join limit off)', async () => {
    // The join limit per address (tests/server/abuse.test.ts) is off here: this checks the request limit alone.
    const t = await createTestApp({ RATE_LIMIT_JOINS_PER_IP_PER_MINUTE: '0' });
    try {
      const s = await createSession(t, 'live');
      const statuses = new Map<number, number>();
      // 1500 phones behind the venue's NAT, 100 at a time.
      for (let i = 0; i < 15; i++) {
        const batch = await Promise.all(
          Array.from({ length: 100 }, () => t.app.inject({ method: 'POST', url: '/api/join', payload: { code: s.code } })),
        );
        for (const r of batch) statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
      }
      expect(Object.fromEntries(statuses)).toEqual({ 200: 1500 });
    } finally {
      await t.close();
    }
  });

  it('limits requests per address as configured, and ignores X-Forwarded-For unless TRUST_PROXY says so', async () => {
    const t = await createTestApp({ RATE_LIMIT_IP_PER_MINUTE: '5' });
    try {
      const spoofed = [];
      for (let i = 0; i < 7; i++) {
        spoofed.push(await t.app.inject({ url: '/api/health', headers: { 'x-forwarded-for': `203.0.113.${i}` } }));
      }
      // Without TRUST_PROXY the header is the client's word: one address, one bucket.
      expect(spoofed.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200, 429, 429]);
      expect(errorCode(spoofed[6]!)).toBe('RATE_LIMITED');
    } finally {
      await t.close();
    }
    const proxied = await createTestApp({ RATE_LIMIT_IP_PER_MINUTE: '5', TRUST_PROXY: '127.0.0.1' });
    try {
      // Behind our proxy each citizen has their own address and their own budget...
      for (let i = 0; i < 10; i++) {
        const r = await proxied.app.inject({ url: '/api/health', headers: { 'x-forwarded-for': `198.51.100.${i}` } });
        expect(r.statusCode).toBe(200);
      }
      // ...and one of them is still limited.
      const same = [];
      for (let i = 0; i < 7; i++) same.push((await proxied.app.inject({ url: '/api/health', headers: { 'x-forwarded-for': '198.51.100.77' } })).statusCode);
      expect(same).toEqual([200, 200, 200, 200, 200, 429, 429]);
    } finally {
      await proxied.close();
    }
  });

  it('refuses TRUST_PROXY as a hop count at start, and reads RATE_LIMIT_IP_PER_MINUTE=0 as no limit', async () => {
    // Fastify ignores hop counts: the whole hall would share the proxy's address. Say so at start.
    expect(() => loadConfig({ DATA_DIR: tmpdir(), JWT_SECRET: 'x'.repeat(40), TRUST_PROXY: '1' })).toThrow(/TRUST_PROXY/);
    expect(loadConfig({ DATA_DIR: tmpdir(), JWT_SECRET: 'x'.repeat(40), TRUST_PROXY: '10.0.0.0/8,127.0.0.1' }).trustProxy).toBe('10.0.0.0/8,127.0.0.1');
    const off = await createTestApp({ RATE_LIMIT_IP_PER_MINUTE: '0' });
    try {
      const codes = new Set<number>();
      for (let i = 0; i < 50; i++) codes.add((await off.app.inject({ url: '/api/health' })).statusCode);
      expect([...codes]).toEqual([200]);
    } finally {
      await off.close();
    }
  });

  it('holds each participant to human rates on the socket, without touching the others', async () => {
    const t = await createTestApp();
    await t.listen();
    const socks: ClientSocket[] = [];
    try {
      const s = await createSession(t, 'live', { moderation: 'post' });
      const spammer = await joinSession(t, s.code);
      const calm = await joinSession(t, s.code);
      const a = await openSocket(t.url, spammer.token);
      const b = await openSocket(t.url, calm.token);
      socks.push(a, b);
      const codes: string[] = [];
      for (let i = 0; i < 12; i++) {
        const r = await ask(a, 'question:submit', { sessionId: s.id, text: `Câu hỏi dồn dập ${i}` });
        codes.push(r.ok ? 'ok' : r.error.code);
      }
      // The default allows a burst of 5, then about one every 6 s.
      expect(codes.slice(0, 5)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
      expect(codes.slice(6)).toEqual(Array(6).fill('RATE_LIMITED'));
      expect(((await dbRow(t, 'select count(*) n from questions where participant_id = ?', spammer.participantId)) as { n: number }).n).toBe(
        codes.filter((c) => c === 'ok').length,
      );
      const fine = await ask(b, 'question:submit', { sessionId: s.id, text: 'Câu hỏi bình thường' });
      expect(fine.ok).toBe(true);
      // Votes: far more than a person taps, on questions that take votes.
      const targets = ((await dbRows(t, 'select id from questions where session_id = ?', s.id)) as { id: number }[]).map((r) => r.id);
      const votes: string[] = [];
      for (let i = 0; i < 80; i++) {
        const r = await ask(b, i % 2 ? 'question:unvote' : 'question:vote', { questionId: targets[i % targets.length]! });
        votes.push(r.ok ? 'ok' : r.error.code);
      }
      expect(votes).toContain('RATE_LIMITED');
      expect(votes.filter((v) => v !== 'ok' && v !== 'RATE_LIMITED')).toEqual([]);
      // Still connected: a limit answers, it does not cut the person off.
      expect(a.connected && b.connected).toBe(true);
    } finally {
      socks.forEach((x) => x.close());
      await t.close();
    }
  });

  it('cuts off a socket that floods, while the rest of the hall keeps asking and hearing', async () => {
    const t = await createTestApp();
    await t.listen();
    const socks: ClientSocket[] = [];
    try {
      const s = await createSession(t, 'live', { moderation: 'post' });
      const [flooder, asker, listener] = await Promise.all([joinSession(t, s.code), joinSession(t, s.code), joinSession(t, s.code)]);
      const f = await openSocket(t.url, flooder.token);
      const a = await openSocket(t.url, asker.token);
      const l = await openSocket(t.url, listener.token);
      socks.push(f, a, l);
      const heard: number[] = [];
      l.on('question:created', (q) => heard.push(q.id));
      const cut = new Promise<string>((r) => f.once('disconnect', (reason) => r(reason)));
      const started = Date.now();
      for (let i = 0; i < 2000; i++) f.emit('question:vote', { questionId: 1 + (i % 5) }, () => {});
      // Meanwhile an ordinary citizen asks, and is answered promptly.
      const asked = await ask(a, 'question:submit', { sessionId: s.id, text: 'Câu hỏi giữa lúc có người phá' });
      const latency = Date.now() - started;
      expect(asked.ok).toBe(true);
      expect(await cut).toBe('io server disconnect');
      if (asked.ok) await eventually(() => heard.includes(asked.data.id), 3000, 'the others still hear new questions');
      expect(a.connected && l.connected).toBe(true);
      expect(latency).toBeLessThan(3000);
    } finally {
      socks.forEach((x) => x.close());
      await t.close();
    }
  });

  it('slows down password guessing per user and address, without locking other staff out', async () => {
    const t = await createTestApp({ RATE_LIMIT_LOGIN_ATTEMPTS: '5' });
    try {
      const make = async (username: string) => {
        const r = await t.app.inject({
          method: 'POST',
          url: '/api/users',
          headers: auth(t.adminToken),
          payload: { username, password: `pw-${username}-secret`, displayName: username, role: 'secretary' },
        });
        expect(r.statusCode).toBe(201);
      };
      await make('target');
      await make('colleague');
      const guesses = [];
      for (let i = 0; i < 7; i++) {
        guesses.push(await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'target', password: `guess-${i}-wrong` } }));
      }
      expect(guesses.map((r) => r.statusCode)).toEqual([401, 401, 401, 401, 401, 429, 429]);
      expect(errorCode(guesses[6]!)).toBe('RATE_LIMITED');
      // Even the right password waits: the guesser must not learn it was right.
      const right = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'target', password: 'pw-target-secret' } });
      expect(right.statusCode).toBe(429);
      // A colleague at the same venue (same address) logs in normally.
      const colleague = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'colleague', password: 'pw-colleague-secret' } });
      expect(colleague.statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('answers an oversized body with 413 PAYLOAD_TOO_LARGE and stores nothing', async () => {
    const t = await createTestApp();
    try {
      const s = await createSession(t, 'live', { moderation: 'post' });
      const p = await joinSession(t, s.code);
      const before = await dbRow(t, 'select count(*) n from questions');
      for (const size of [70_000, 1_000_000, 5_000_000]) {
        const res = await t.app.inject({
          method: 'POST',
          url: `/api/sessions/${s.id}/questions`,
          headers: { ...auth(p.token), 'content-type': 'application/json' },
          payload: JSON.stringify({ text: 'x'.repeat(size) }),
        });
        expect([res.statusCode, errorCode(res)], String(size)).toEqual([413, 'PAYLOAD_TOO_LARGE']);
      }
      const join = await t.app.inject({ method: 'POST', url: '/api/join', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ code: s.code, contact: 'y'.repeat(100_000) }) });
      expect(join.statusCode).toBe(413);
      expect(await dbRow(t, 'select count(*) n from questions')).toEqual(before);
    } finally {
      await t.close();
    }
  });

  it('refuses a foreign Origin on WebSocket and polling, and accepts one listed in ALLOWED_ORIGINS', async () => {
    const t = await createTestApp({ ALLOWED_ORIGINS: 'https://hoinghi.tuyenquang.gov.vn' });
    await t.listen();
    try {
      const s = await createSession(t, 'live');
      const p = await joinSession(t, s.code);
      await expect(openSocket(t.url, p.token, { extraHeaders: { origin: 'https://evil.example' } })).rejects.toThrow();
      await expect(
        openSocket(t.url, p.token, { transports: ['polling'], extraHeaders: { origin: 'https://evil.example' } }),
      ).rejects.toThrow();
      const poll = await fetch(`${t.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: 'https://evil.example' } });
      expect(poll.status).toBe(403);
      const listed = await openSocket(t.url, p.token, { extraHeaders: { origin: 'https://hoinghi.tuyenquang.gov.vn' } });
      expect(listed.connected).toBe(true);
      listed.close();
    } finally {
      await t.close();
    }
  });
});

describe('security headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('sends a strict CSP and the usual hardening headers on API and pages', async () => {
    for (const url of ['/api/health', '/', '/j/ABC123']) {
      const res = await t.app.inject({ url });
      const csp = String(res.headers['content-security-policy']);
      expect(csp, url).toContain("default-src 'self'");
      expect(csp, url).toContain("script-src 'self'");
      expect(csp, url).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      expect(csp, url).not.toMatch(/script-src[^;]*'unsafe-eval'/);
      expect(csp, url).toContain("object-src 'none'");
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['x-frame-options'], url).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy'], url).toBe('same-origin');
      expect(res.headers['x-powered-by'], url).toBeUndefined();
    }
  });

  it('never leaks internals in an error', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":' });
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe('INVALID_JSON');
    expect(res.body).not.toMatch(/node_modules|at \w+ \(|\.ts:\d+/);
  });
});

describe('content safety', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
  });
  afterAll(() => t.close());

  const nasty = [
    '<script>alert("xss")</script> Xin hỏi về đường xã?',
    '<img src=x onerror=alert(1)> Ô nhiễm nguồn nước',
    '"><svg/onload=alert(document.cookie)> & &amp; &lt;',
    '=HYPERLINK("http://evil.example","bấm vào đây")',
    '+cmd|\' /C calc\'!A0',
    '-2+3 là bao nhiêu?',
    '@SUM(1+1)*cmd|\' /C calc\'!A0',
    '\tTab đầu dòng',
  ];

  it('stores and returns question text byte-exact, as JSON data, over HTTP, socket and tracking', async () => {
    const s = await createSession(t, 'live', { moderation: 'post' });
    const watcher = await joinSession(t, s.code);
    const sock = await openSocket(t.url, watcher.token);
    const seen: { text: string }[] = [];
    sock.on('question:created', (q) => seen.push(q));
    try {
      const ids: number[] = [];
      for (const text of nasty) {
        const p = await joinSession(t, s.code); // one asker each: the per-person limit is not the point here
        const res = await t.app.inject({ method: 'POST', url: `/api/sessions/${s.id}/questions`, headers: auth(p.token), payload: { text, clientId: `n${ids.length}` } });
        expect(res.statusCode, text).toBe(200);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        // Trimmed like every question, otherwise untouched: no escaping into the data.
        expect(res.json().text).toBe(text.trim());
        ids.push(res.json().id);
        const track = await t.app.inject({ url: `/api/track/${res.json().trackingCode}` });
        expect(track.statusCode).toBe(200);
        expect(track.headers['content-type']).toMatch(/^application\/json/);
        expect(JSON.stringify(track.json())).toContain(JSON.stringify(text.trim()));
      }
      const list = await t.app.inject({ url: `/api/sessions/${s.id}/questions`, headers: auth(watcher.token) });
      expect((list.json() as { text: string }[]).map((q) => q.text)).toEqual(nasty.map((x) => x.trim()));
      await eventually(() => seen.length === nasty.length, 3000, 'broadcasts');
      expect(seen.map((q) => q.text)).toEqual(nasty.map((x) => x.trim()));
    } finally {
      sock.close();
    }
  });

  it('neutralises formulas in the CSV and XLSX question lists', async () => {
    const s = await createSession(t, 'live', { moderation: 'post' });
    // Questions are trimmed when stored, so the formulas are what remains after trimming.
    const formulas = nasty.map((x) => x.trim()).filter((x) => /^[=+\-@]/.test(x));
    expect(formulas.length).toBeGreaterThanOrEqual(4);
    for (const [i, text] of formulas.entries()) {
      const p = await joinSession(t, s.code);
      await t.app.inject({ method: 'POST', url: `/api/sessions/${s.id}/questions`, headers: auth(p.token), payload: { text, clientId: `f${i}` } });
    }
    const sec = await createStaff(t, 'secretary');
    const csv = await t.app.inject({ url: `/api/sessions/${s.id}/questions.csv`, headers: auth(sec.token) });
    expect(csv.statusCode).toBe(200);
    // Every field of every line: none may start with a formula character.
    const fields = csv.body
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .flatMap((line) => line.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/))
      .map((f) => f.replace(/^"/, ''));
    expect(fields.filter((f) => /^[=+@\t\r]/.test(f) || /^-[^\d]/.test(f))).toEqual([]);
    for (const text of formulas) expect(csv.body).toContain(`'${text.trim().replace(/"/g, '""')}`);

    const xlsx = await t.app.inject({ url: `/api/sessions/${s.id}/questions.xlsx`, headers: auth(sec.token) });
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const cells: ExcelJS.Cell[] = [];
    wb.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => cells.push(cell))));
    expect(cells.filter((c) => c.type === ExcelJS.ValueType.Formula)).toEqual([]);
    const texts = cells.map((c) => String(c.value));
    for (const text of formulas) expect(texts.some((v) => v.includes(text.trim()))).toBe(true);
  });

  it('escapes question and answer markup in the printable minutes', async () => {
    const s = await createSession(t, 'live', { moderation: 'post' });
    const p = await joinSession(t, s.code, { displayName: '<b onmouseover=alert(3)>Lan</b>' });
    const q = await t.app.inject({ method: 'POST', url: `/api/sessions/${s.id}/questions`, headers: auth(p.token), payload: { text: '<script>alert("q")</script> Đường <i>xấu</i>' } });
    const id = q.json().id as number;
    await t.app.inject({ method: 'POST', url: `/api/questions/${id}/moderate`, headers: auth(t.adminToken), payload: { action: 'answered' } });
    await t.app.inject({
      method: 'POST',
      url: `/api/questions/${id}/answers`,
      headers: auth(t.adminToken),
      payload: { text: '<img src=x onerror=alert("a")> Sẽ sửa', kind: 'live', commitments: [{ text: '<svg onload=alert(1)>', agency: '<u>Sở GTVT</u>' }] },
    });
    const sec = await createStaff(t, 'secretary');
    const html = await t.app.inject({ url: `/api/sessions/${s.id}/minutes.html`, headers: auth(sec.token) });
    expect(html.statusCode).toBe(200);
    expect(html.body).toContain('&lt;script&gt;');
    for (const raw of ['<script>alert', '<img src=x', '<svg onload', '<b onmouseover', '<u>Sở', '<i>xấu']) expect(html.body).not.toContain(raw);
  });
});
