import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Question } from '../../shared/schemas/entities';
import { GAP_WAIT_MS } from '../../shared/constants';
import { buildApp } from '../../server/app';
import { connectRedis } from '../../server/cluster/redis';
import { loadConfig } from '../../server/config';
import { openDatabase } from '../../server/db/open';
import { bootstrap } from '../../server/domain/bootstrap';
import { ADMIN_PASSWORD, auth, createSession, dbRow, errorCode, joinSession, login, type TestApp } from '../helpers/app';
import { freshPgDatabase, TEST_PG_URL } from '../helpers/pg';
import { ask, collect, eventually, openSocket, sleep, type ClientSocket } from '../helpers/sockets';
import { tcpProxy } from '../helpers/tcp-proxy';

/**
 * Two nodes (two app instances in this process) on one SQLite file and one
 * Redis (TEST_REDIS_URL), as a load balancer would put them: what a phone
 * and a desk see must not depend on which node they reached.
 */
const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? '';
const JWT_SECRET = 'cluster-test-secret-long-enough-for-hs256-0123456789';

describe.skipIf(!TEST_REDIS_URL)('two nodes on one Redis', () => {
  // Keys and channels of this run only: parallel runs on one Redis must not meet.
  const prefix = `t${process.pid}${Math.random().toString(36).slice(2, 8)}:`;
  const dir = mkdtempSync(join(tmpdir(), 'langnghe-cluster-'));
  const dbFile = join(dir, 'shared.db');
  // PostgreSQL when the machine has it (CI does), as cluster mode runs; else one SQLite file both nodes open.
  let shared: { url: string; drop: () => Promise<void> } | null = null;
  const sockets: ClientSocket[] = [];
  let a: TestApp;
  let b: TestApp;

  const startNode = async (name: string, env: Record<string, string> = {}): Promise<TestApp> => {
    const dataDir = mkdtempSync(join(dir, `${name}-`));
    const config = loadConfig({
      DATA_DIR: dataDir,
      JWT_SECRET,
      ADMIN_PASSWORD,
      REDIS_URL: TEST_REDIS_URL,
      ...(shared && { DATABASE_URL: shared.url }),
      REDIS_PREFIX: prefix,
      NODE_ID: name,
      CLIENT_DIR: join(process.cwd(), 'dist/client'),
      // Few enough to reach in a test (the last one: it locks this address out).
      RATE_LIMIT_LOGIN_FAILURES_PER_IP: '4',
      ...env,
    });
    const database = await openDatabase({ databaseUrl: shared?.url ?? null, dataDir, sqliteFile: dbFile, maxConnections: 5 });
    const app = await buildApp({ config, db: database.port });
    await bootstrap(app.services, ADMIN_PASSWORD);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    let closed = false;
    return {
      app,
      port: app.services.port,
      get db() {
        if (!database.sqlite) throw new Error('the nodes share PostgreSQL: read it through the port');
        return database.sqlite;
      },
      config,
      dataDir,
      adminToken: await login(app, 'admin', ADMIN_PASSWORD),
      url,
      listen: async () => url,
      close: async () => {
        if (closed) return;
        closed = true;
        await app.close();
        await database.close();
      },
    };
  };

  const open = async (node: TestApp, token: string) => {
    const s = await openSocket(node.url, token);
    sockets.push(s);
    return s;
  };

  /** Every sequenced message a socket receives, in arrival order, after its snapshot. */
  const sequenced = (s: ClientSocket) => {
    const seen: { event: string; seq: number; at: number }[] = [];
    for (const event of ['question:created', 'question:updated', 'votes:tally', 'stage:changed', 'session:updated'] as const) {
      s.on(event as never, ((p: { seq: number }) => seen.push({ event, seq: p.seq, at: Date.now() })) as never);
    }
    return seen;
  };

  beforeAll(async () => {
    shared = TEST_PG_URL ? await freshPgDatabase() : null;
    a = await startNode('node-a');
    b = await startNode('node-b');
  });

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await Promise.all([a?.close(), b?.close()]);
    await shared?.drop();
    rmSync(dir, { recursive: true, force: true });
    const redis = await connectRedis(TEST_REDIS_URL);
    for await (const keys of redis.scanIterator({ MATCH: `*${prefix}*`, COUNT: 500 })) if (keys.length) await redis.del(keys);
    redis.destroy();
  });

  it('refuses to start in cluster mode without JWT_SECRET, naming it', () => {
    const dataDir = mkdtempSync(join(dir, 'nosecret-'));
    expect(() => loadConfig({ DATA_DIR: dataDir, REDIS_URL: TEST_REDIS_URL })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ DATA_DIR: dataDir, DATABASE_URL: 'postgres://127.0.0.1/x' })).toThrow(/JWT_SECRET/);
    expect(loadConfig({ DATA_DIR: dataDir }).cluster).toBeNull(); // one node generates its own, as before
  });

  it('/api/health says which node answered, the database, and that Redis answers', async () => {
    for (const [node, name] of [
      [a, 'node-a'],
      [b, 'node-b'],
    ] as const) {
      const res = await node.app.inject({ url: '/api/health' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ ok: true, node: name, database: shared ? 'postgres' : 'sqlite', redis: 'ok' });
    }
  });

  it('takes a token issued by node A on node B (HTTP and sockets)', async () => {
    const me = await b.app.inject({ url: '/api/me', headers: auth(a.adminToken) });
    expect(me.statusCode).toBe(200);
    const s = await open(b, a.adminToken);
    expect(s.connected).toBe(true);
  });

  it('shows a question submitted on node A live on a phone connected to node B', async () => {
    const session = await createSession(a, 'live', { moderation: 'post' });
    const alice = await joinSession(a, session.code);
    const bob = await joinSession(b, session.code);
    const aliceSock = await open(a, alice.token);
    const bobSock = await open(b, bob.token);
    const deskOnB = await open(b, a.adminToken);
    const desk = await ask(deskOnB, 'session:join', { sessionId: session.id });
    expect(desk.ok).toBe(true);
    const bobCreated = collect(bobSock, 'question:created');
    const deskCreated = collect(deskOnB, 'question:created');

    const q = await ask(aliceSock, 'question:submit', { sessionId: session.id, text: 'Xã có kế hoạch làm đường liên thôn không ạ?' });
    expect(q.ok).toBe(true);
    if (!q.ok) return;
    await eventually(() => bobCreated.find((e) => e.id === q.data.id), 3000, 'the phone on node B sees the question');
    await eventually(() => deskCreated.find((e) => e.id === q.data.id), 3000, 'the desk on node B sees the question');
    // A snapshot taken on node B afterwards has it too (node B's cache did not see the change).
    const snap = await ask(bobSock, 'session:join', { sessionId: session.id });
    expect(snap.ok && snap.data.questions.map((x: Question) => x.id)).toContain(q.data.id);
  });

  it('votes through both nodes end with counter = vote rows = the last tally on every phone; seqs without gaps; one tally per interval', async () => {
    const session = await createSession(a, 'live', { moderation: 'post' });
    const author = await joinSession(a, session.code);
    const authorSock = await open(a, author.token);
    const q = await ask(authorSock, 'question:submit', { sessionId: session.id, text: 'Khi nào thôn có nước sạch về tận nhà?' });
    expect(q.ok).toBe(true);
    if (!q.ok) return;
    const questionId = q.data.id;

    // Watchers: a phone on each node, joined (snapshot + seq) before the votes.
    const watchers = [];
    for (const node of [a, b]) {
      const p = await joinSession(node, session.code);
      const s = await open(node, p.token);
      const seen = sequenced(s);
      const tallies = collect(s, 'votes:tally');
      const snap = await ask(s, 'session:join', { sessionId: session.id });
      expect(snap.ok).toBe(true);
      if (!snap.ok) return;
      watchers.push({ seen, tallies, from: snap.data.seq });
    }

    const voters = await Promise.all(Array.from({ length: 24 }, (_, i) => joinSession(i % 2 ? b : a, session.code)));
    const voterSocks = await Promise.all(voters.map((v, i) => open(i % 2 ? b : a, v.token)));
    const started = Date.now();
    // Three waves over about a second, some changing their minds.
    for (let wave = 0; wave < 3; wave++) {
      const acks = await Promise.all(voterSocks.slice(wave * 8, wave * 8 + 8).map((s) => ask(s, 'question:vote', { questionId })));
      expect(acks.every((x) => x.ok)).toBe(true);
      await sleep(300);
    }
    const unvotes = await Promise.all(voterSocks.slice(0, 5).map((s) => ask(s, 'question:unvote', { questionId })));
    expect(unvotes.every((x) => x.ok)).toBe(true);

    const rows = (await dbRow<{ n: number }>(a, 'select count(*) as n from votes where question_id = ?', questionId))!.n;
    const counter = (await dbRow<{ votes: number }>(a, 'select votes from questions where id = ?', questionId))!.votes;
    expect(rows).toBe(19);
    expect(counter).toBe(rows);
    for (const w of watchers) {
      await eventually(() => w.tallies.at(-1)?.votes[questionId] === counter, 3000, 'the last tally shows the committed count');
    }
    await sleep(500); // nothing later may contradict it
    const elapsed = Date.now() - started;
    for (const w of watchers) {
      expect(w.tallies.at(-1)!.votes[questionId]).toBe(counter);
      const after = w.seen.filter((m) => m.seq > w.from);
      // No gap, no repeat. Two nodes' messages can reach a phone in either
      // order (its own node's come first, the other's through Redis); the
      // phone puts them back in order if the late one comes within GAP_WAIT_MS.
      const bySeq = [...after].sort((x, y) => x.seq - y.seq);
      expect(bySeq.map((m) => m.seq)).toEqual(after.map((_, i) => w.from + 1 + i));
      for (let i = 1; i < bySeq.length; i++) expect(bySeq[i - 1]!.at - bySeq[i]!.at, `seq ${bySeq[i - 1]!.seq} came late`).toBeLessThan(GAP_WAIT_MS);
      // One node sends a session's tallies: one per 150 ms interval at most, never two at once.
      const tallies = after.filter((m) => m.event === 'votes:tally');
      expect(tallies.length).toBeGreaterThanOrEqual(3); // the waves were seen as they came
      expect(tallies.length).toBeLessThanOrEqual(Math.ceil(elapsed / 150) + 2);
      const gaps = tallies.slice(1).map((m, i) => m.at - tallies[i]!.at);
      expect(Math.min(...gaps)).toBeGreaterThan(40);
    }
  });

  it('cuts a participant banned through node A off node B, and keeps it out', async () => {
    const session = await createSession(a, 'live', { moderation: 'post' });
    const p = await joinSession(b, session.code);
    const phone = await open(b, p.token);
    const gone = new Promise<void>((resolve) => phone.once('disconnect', () => resolve()));
    const ban = await a.app.inject({ method: 'POST', url: `/api/participants/${p.participantId}/ban`, headers: auth(a.adminToken), payload: { reason: 'spam' } });
    expect(ban.statusCode).toBe(200);
    await gone;
    await expect(openSocket(b.url, p.token)).rejects.toThrow(/PARTICIPANT_BANNED/);
    const http = await b.app.inject({ url: '/api/me', headers: auth(p.token) });
    expect(http.statusCode).not.toBe(200);
    expect(errorCode(http)).toBe('PARTICIPANT_BANNED');
  });

  it('shows settings changed on node A on node B (its cached copy is dropped)', async () => {
    const before = (await b.app.inject({ url: '/api/settings/public' })).json();
    const res = await a.app.inject({ method: 'PATCH', url: '/api/admin/settings', headers: auth(a.adminToken), payload: { publicUrl: 'http://10.0.0.9:3000' } });
    expect(res.statusCode).toBe(200);
    expect(before.publicUrl).not.toBe('http://10.0.0.9:3000');
    for (let i = 0; i < 50 && (await b.app.services.settings.get()).publicUrl !== 'http://10.0.0.9:3000'; i++) await sleep(20);
    expect((await b.app.inject({ url: '/api/settings/public' })).json().publicUrl).toBe('http://10.0.0.9:3000');
  });

  it('holds a participant to one question budget across nodes', async () => {
    const session = await createSession(a, 'live', { moderation: 'post' });
    const p = await joinSession(a, session.code);
    const onA = await open(a, p.token);
    const onB = await open(b, p.token);
    const texts = ['đường', 'trường học', 'trạm y tế', 'chợ', 'nước sạch', 'điện'].map((w) => `Xin hỏi về kế hoạch xây ${w} của xã năm tới?`);
    // The burst is 5 (10 a minute): five pass, alternating nodes, the sixth is refused on either.
    for (let i = 0; i < 5; i++) expect((await ask(i % 2 ? onB : onA, 'question:submit', { sessionId: session.id, text: texts[i]! })).ok).toBe(true);
    const sixth = await ask(onB, 'question:submit', { sessionId: session.id, text: texts[5]! });
    expect(sixth.ok).toBe(false);
    expect(!sixth.ok && sixth.error.code).toBe('RATE_LIMITED');
    const sixthOnA = await ask(onA, 'question:submit', { sessionId: session.id, text: texts[5]! });
    expect(!sixthOnA.ok && sixthOnA.error.code).toBe('RATE_LIMITED');
  });

  // Last: it uses this address's sign-in failures up on both nodes.
  it('counts failed sign-ins from one address on every node', async () => {
    const wrong = { username: 'admin', password: 'not-the-password' };
    for (let i = 0; i < 4; i++) {
      const res = await (i % 2 ? b : a).app.inject({ method: 'POST', url: '/api/auth/login', payload: wrong, remoteAddress: '10.9.8.7' });
      expect(res.statusCode).toBe(401);
    }
    // Node A took two failures and node B two: the budget of four is spent on both.
    const right = { username: 'admin', password: ADMIN_PASSWORD };
    for (const node of [a, b]) {
      const res = await node.app.inject({ method: 'POST', url: '/api/auth/login', payload: right, remoteAddress: '10.9.8.7' });
      expect(res.statusCode).toBe(429);
      expect(errorCode(res)).toBe('RATE_LIMITED');
    }
    // Another address is not held.
    expect((await b.app.inject({ method: 'POST', url: '/api/auth/login', payload: right, remoteAddress: '10.9.8.8' })).statusCode).toBe(200);
  });

  it('counts sign-in attempts per account, and requests per address, on every node', async () => {
    const attempt = (node: TestApp) =>
      node.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'thu.ky', password: 'sai-mat-khau' }, remoteAddress: '10.7.7.7' });
    const remaining = (res: { headers: Record<string, unknown> }) => Number(res.headers['x-ratelimit-remaining']);
    const first = await attempt(a);
    const second = await attempt(b);
    const third = await attempt(a);
    expect(Number.isFinite(remaining(first))).toBe(true);
    // One budget for the account at this address, whichever node is asked.
    expect([remaining(second), remaining(third)]).toEqual([remaining(first) - 1, remaining(first) - 2]);
    // The per-address limit on every other route too.
    const pageA = await a.app.inject({ url: '/api/localities?q=tan', remoteAddress: '10.7.7.8' });
    const pageB = await b.app.inject({ url: '/api/localities?q=tan', remoteAddress: '10.7.7.8' });
    expect(remaining(pageB)).toBe(remaining(pageA) - 1);
  });

  // Last: node A stops.
  it('lets a phone whose node stops carry on through the other with the messages it missed (connection state recovery)', async () => {
    const portOf = (t: TestApp) => Number(new URL(t.url).port);
    let target = portOf(a);
    const proxy = await tcpProxy(() => target);
    try {
      const session = await createSession(b, 'live', { moderation: 'post' });
      const p = await joinSession(b, session.code);
      const author = await joinSession(b, session.code);
      const phone = await openSocket(proxy.url, p.token, { reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 200 });
      sockets.push(phone);
      const authorSock = await open(b, author.token);
      const created = collect(phone, 'question:created');
      // One broadcast while on node A gives the phone an offset in the stream to recover from.
      const first = await ask(authorSock, 'question:submit', { sessionId: session.id, text: 'Câu hỏi thứ nhất về quy hoạch khu dân cư mới?' });
      expect(first.ok).toBe(true);
      await eventually(() => created.length === 1, 3000, 'the first question on the phone');

      target = portOf(b);
      await a.close(); // a graceful stop: node A keeps the phone's session in Redis
      proxy.cut();
      // Said while the phone is away.
      const missed = await ask(authorSock, 'question:submit', { sessionId: session.id, text: 'Câu hỏi thứ hai, gửi khi điện thoại đang mất kết nối?' });
      expect(missed.ok).toBe(true);

      await eventually(() => phone.connected, 5000, 'the phone reconnects through node B');
      expect(phone.recovered).toBe(true);
      await eventually(() => created.length === 2, 3000, 'the question said meanwhile');
      expect(created.map((q) => q.id)).toEqual([first.ok && first.data.id, missed.ok && missed.data.id]);
      const seqs = created.map((q) => q.seq);
      expect(seqs[1]).toBe(seqs[0]! + 1); // no gap: nothing to resync
    } finally {
      sockets.forEach((s) => s.close());
      await proxy.close();
    }
  });
});
