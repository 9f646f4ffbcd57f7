import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp, type App } from '../../server/app';
import { loadConfig } from '../../server/config';
import { openDatabase, type OpenedDatabase } from '../../server/db/open';
import { bootstrap } from '../../server/domain/bootstrap';
import type { Question } from '../../shared/schemas/entities';
import { ADMIN_PASSWORD, auth, createStaff, createSession, errorCode, joinSession, login, TEST_DB, type TestApp } from '../helpers/app';
import { freshPgDatabase } from '../helpers/pg';

/**
 * Two nodes on one PostgreSQL database, their transactions side by side
 * (READ COMMITTED): what SQLite's one-writer-at-a-time gave for free must
 * hold here too. Numbers stay 1, 2, 3…, a retried submit makes one row, one
 * question is on stage, a state move is made once, every vote counted once.
 */
describe.skipIf(TEST_DB !== 'pg')('questions side by side on PostgreSQL', () => {
  let fresh: Awaited<ReturnType<typeof freshPgDatabase>>;
  const opened: OpenedDatabase[] = [];
  const apps: App[] = [];
  const dirs: string[] = [];
  /** Node A as the helpers know it (they talk to one app). */
  let a: TestApp;
  let nodeB: App;

  async function node(): Promise<{ app: App; database: OpenedDatabase }> {
    const dataDir = mkdtempSync(join(tmpdir(), 'langnghe-race-'));
    dirs.push(dataDir);
    const config = loadConfig({ DATA_DIR: dataDir, JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-0123456789', ADMIN_PASSWORD, CLIENT_DIR: join(process.cwd(), 'dist/client') });
    const database = await openDatabase({ databaseUrl: fresh.url, dataDir, maxConnections: 8 });
    opened.push(database);
    const app = await buildApp({ config, db: database.port });
    apps.push(app);
    return { app, database };
  }

  beforeAll(async () => {
    fresh = await freshPgDatabase();
    const first = await node();
    await bootstrap(first.app.services, ADMIN_PASSWORD);
    nodeB = (await node()).app;
    a = {
      app: first.app,
      port: first.database.port,
      get db(): never {
        throw new Error('PostgreSQL');
      },
      config: first.app.config,
      dataDir: dirs[0]!,
      adminToken: await login(first.app, 'admin', ADMIN_PASSWORD),
      url: '',
      listen: () => Promise.reject(new Error('not here')),
      close: () => Promise.resolve(),
    };
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const d of opened) await d.close();
    await fresh?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const on = (i: number): App => (i % 2 === 0 ? a.app : nodeB);
  const submit = (app: App, token: string, sessionId: number, body: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: `/api/sessions/${sessionId}/questions`, headers: auth(token), payload: body });
  const moderate = (app: App, token: string, id: number, body: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: `/api/questions/${id}/moderate`, headers: auth(token), payload: body });
  const rows = async <T>(text: string, params: unknown[]): Promise<T[]> => a.port.prepare<unknown[], T>({ sqlite: text, pg: text }).all(...params);
  const ok = (r: LightMyRequestResponse): Question => {
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as Question;
  };

  it('numbers questions sent to both nodes at once 1, 2, 3… without a gap or a twin', async () => {
    const s = await createSession(a, 'live', { moderation: 'post' });
    // Sixty at once through both nodes: each waits its turn on the session's numbering lock, none gives up.
    const people = await Promise.all(Array.from({ length: 12 }, () => joinSession(a, s.code)));
    const sent = await Promise.all(
      Array.from({ length: 60 }, (_, i) => submit(on(i), people[i % people.length]!.token, s.id, { text: `Câu hỏi số ${i} về đường làng` })),
    );
    const numbers = sent.map((r) => ok(r).number).sort((x, y) => x - y);
    expect(numbers).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it('makes one row for the same client id sent to both nodes at once', async () => {
    const s = await createSession(a, 'live', { moderation: 'pre' });
    const p = await joinSession(a, s.code);
    for (let round = 0; round < 5; round++) {
      const clientId = `retry-${round}`;
      const both = await Promise.all([0, 1, 2, 3].map((i) => submit(on(i), p.token, s.id, { text: 'Khi nào sửa cầu?', clientId })));
      const ids = new Set(both.map((r) => ok(r).id));
      expect(ids.size).toBe(1);
      expect(await rows('select id from questions where participant_id = $1 and client_id = $2', [p.participantId, clientId])).toHaveLength(1);
    }
  });

  it('keeps one question on stage when two moderators stage at once', async () => {
    const s = await createSession(a, 'live', { moderation: 'post' });
    const mod1 = await createStaff(a, 'moderator');
    const mod2 = await createStaff(a, 'moderator');
    const p = await joinSession(a, s.code);
    const qs = await Promise.all([0, 1, 2, 3].map((i) => submit(a.app, p.token, s.id, { text: `Câu hỏi sân khấu ${i}` }).then(ok)));
    for (let round = 0; round < 4; round++) {
      const [x, y] = [qs[round]!, qs[(round + 1) % qs.length]!];
      // Back in the queue first (the previous round may have left one on stage).
      for (const q of [x, y]) {
        const cur = (await rows<{ status: string }>('select status from questions where id = $1', [q.id]))[0]!;
        if (cur.status === 'on_stage') ok(await moderate(a.app, mod1.token, q.id, { action: 'unstage' }));
      }
      const res = await Promise.all([moderate(a.app, mod1.token, x.id, { action: 'stage' }), moderate(nodeB, mod2.token, y.id, { action: 'stage' })]);
      for (const r of res) expect([200, 409], r.body).toContain(r.statusCode);
      for (const r of res) if (r.statusCode === 409) expect(errorCode(r)).toBe('CONFLICT');
      expect(res.some((r) => r.statusCode === 200)).toBe(true);
      const onStage = await rows<{ id: number }>("select id from questions where session_id = $1 and status = 'on_stage'", [s.id]);
      expect(onStage).toHaveLength(1);
      const stage = (await rows<{ id: number | null }>('select stage_question_id as id from sessions where id = $1', [s.id]))[0]!;
      expect(stage.id).toBe(onStage[0]!.id);
    }
  });

  it('makes a state move once when the author and a moderator act at once', async () => {
    const s = await createSession(a, 'live', { moderation: 'pre' });
    const mod = await createStaff(a, 'moderator');
    const p = await joinSession(a, s.code);
    for (let round = 0; round < 4; round++) {
      const q = ok(await submit(a.app, p.token, s.id, { text: `Câu hỏi rút lại ${round}` }));
      const [withdrawn, rejected] = await Promise.all([
        on(round).inject({ method: 'DELETE', url: `/api/questions/${q.id}`, headers: auth(p.token) }),
        moderate(on(round + 1), mod.token, q.id, { action: 'reject', reason: 'off_topic' }),
      ]);
      const codes = [withdrawn.statusCode, rejected.statusCode].sort();
      expect(codes, `${withdrawn.body} ${rejected.body}`).toEqual([200, 409]);
      const loser = withdrawn.statusCode === 409 ? withdrawn : rejected;
      expect(errorCode(loser)).toBe('ILLEGAL_QUESTION_STATE');
      const status = (await rows<{ status: string }>('select status from questions where id = $1', [q.id]))[0]!.status;
      expect(status).toBe(withdrawn.statusCode === 200 ? 'withdrawn' : 'rejected');
    }
  });

  it('counts every vote once, the same person voting on both nodes at once included', async () => {
    const s = await createSession(a, 'live', { moderation: 'post' });
    const author = await joinSession(a, s.code);
    const q = ok(await submit(a.app, author.token, s.id, { text: 'Câu hỏi được bầu' }));
    const voters = await Promise.all(Array.from({ length: 12 }, () => joinSession(a, s.code)));
    const votes = await Promise.all(
      voters.flatMap((v, i) => [0, 1].map((n) => on(i + n).inject({ method: 'POST', url: `/api/questions/${q.id}/vote`, headers: auth(v.token) }))),
    );
    for (const r of votes) expect(r.statusCode, r.body).toBe(200);
    const [counted] = await rows<{ votes: number; n: number }>('select votes, (select count(*) from votes where question_id = $1) as n from questions where id = $1', [q.id]);
    expect(counted).toEqual({ votes: 12, n: 12 });
    // And taken back on both nodes at once.
    const back = await Promise.all(
      voters.slice(0, 6).flatMap((v, i) => [0, 1].map((n) => on(i + n).inject({ method: 'DELETE', url: `/api/questions/${q.id}/vote`, headers: auth(v.token) }))),
    );
    for (const r of back) expect(r.statusCode, r.body).toBe(200);
    const [after] = await rows<{ votes: number; n: number }>('select votes, (select count(*) from votes where question_id = $1) as n from questions where id = $1', [q.id]);
    expect(after).toEqual({ votes: 6, n: 6 });
  });

  it('takes no vote and no question after the close has committed, on either node', async () => {
    for (let round = 0; round < 3; round++) {
      const s = await createSession(a, 'live', { moderation: 'post' });
      const author = await joinSession(a, s.code);
      const q = ok(await submit(a.app, author.token, s.id, { text: `Câu hỏi trước giờ đóng ${round}` }));
      const voters = await Promise.all(Array.from({ length: 40 }, () => joinSession(a, s.code)));
      const later = <T>(ms: number, f: () => Promise<T>) => new Promise<T>((r) => setTimeout(() => r(f()), ms));
      // A stream of votes through both nodes; the close lands in the middle of it, while batches are being written.
      const votes = voters.map((v, i) => later(i * 3, () => on(i).inject({ method: 'POST', url: `/api/questions/${q.id}/vote`, headers: auth(v.token) })));
      const asks = voters.map((v, i) => later(i * 3 + 1, () => submit(on(i + 1), v.token, s.id, { text: `Câu hỏi lúc đóng ${round}-${i}` })));
      await new Promise((r) => setTimeout(r, 40 + 10 * round));
      const closed = await nodeB.inject({ method: 'PATCH', url: `/api/sessions/${s.id}`, headers: auth(a.adminToken), payload: { status: 'closed' } });
      expect(closed.statusCode, closed.body).toBe(200);
      const [atClose] = await rows<{ votes: number }>('select votes from questions where id = $1', [q.id]);
      const questionsAtClose = (await rows<{ n: number }>('select count(*)::int as n from questions where session_id = $1', [s.id]))[0]!.n;
      const answers = await Promise.all(votes);
      for (const r of answers) expect([200, 409], r.body).toContain(r.statusCode);
      for (const r of answers.filter((x) => x.statusCode === 409)) expect(errorCode(r)).toBe('SESSION_CLOSED');
      const [after] = await rows<{ votes: number; n: number }>('select votes, (select count(*) from votes where question_id = $1) as n from questions where id = $1', [q.id]);
      // What the record held when the close was acknowledged is what it holds now; every accepted vote is in it.
      expect(after, `round ${round}`).toEqual({ votes: atClose!.votes, n: atClose!.votes });
      expect(answers.filter((x) => x.statusCode === 200).length).toBe(atClose!.votes);
      // Questions alike: none is added to a closed session.
      const asked = await Promise.all(asks);
      for (const r of asked.filter((x) => x.statusCode !== 200)) expect(errorCode(r), r.body).toBe('SESSION_CLOSED');
      const questionsAfter = (await rows<{ n: number }>('select count(*)::int as n from questions where session_id = $1', [s.id]))[0]!.n;
      expect(questionsAfter, `round ${round}`).toBe(questionsAtClose);
      expect(asked.filter((x) => x.statusCode === 200).length + 1).toBe(questionsAtClose);
    }
  });

  it('merges while people vote on the target without losing or doubling a vote', async () => {
    const s = await createSession(a, 'live', { moderation: 'post' });
    const mod = await createStaff(a, 'moderator');
    const author = await joinSession(a, s.code);
    const source = ok(await submit(a.app, author.token, s.id, { text: 'Hỏi về học phí' }));
    const target = ok(await submit(a.app, author.token, s.id, { text: 'Học phí năm nay' }));
    const voters = await Promise.all(Array.from({ length: 10 }, () => joinSession(a, s.code)));
    for (const v of voters.slice(0, 5)) expect((await a.app.inject({ method: 'POST', url: `/api/questions/${source.id}/vote`, headers: auth(v.token) })).statusCode).toBe(200);
    const [merged] = await Promise.all([
      moderate(nodeB, mod.token, source.id, { action: 'merge', targetId: target.id }),
      ...voters.map((v, i) => on(i).inject({ method: 'POST', url: `/api/questions/${target.id}/vote`, headers: auth(v.token) })),
    ]);
    ok(merged);
    const [counted] = await rows<{ votes: number; n: number }>('select votes, (select count(*) from votes where question_id = $1) as n from questions where id = $1', [target.id]);
    expect(counted!.votes).toBe(counted!.n);
    expect(counted!.n).toBe(10);
  });
});
