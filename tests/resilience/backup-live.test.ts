import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { LoadClient, type Acked } from './lib/load';
import { api, freePort, joinAs, liveSession, startServer, stopServer, tempDataDir, type ServerProcess } from './lib/server';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Q {
  id: number;
  participant_id: number;
  client_id: string;
  text: string;
  created_at: string;
  votes: number;
}

/**
 * Backups of the real server while real clients keep asking and voting:
 * `npm run backup` from another process, and the admin API in-process.
 * Each copy must be one consistent moment: intact, every question's vote
 * counter equal to its vote rows in the copy itself, and every row as it is
 * in the live database afterwards.
 */
describe('backups of a live, loaded server', () => {
  const data = tempDataDir();
  let server: ServerProcess | null = null;
  afterAll(async () => {
    if (server) await stopServer(server, 'SIGKILL');
    data.remove();
  });

  it('are consistent copies while questions and votes keep coming', async () => {
    const port = await freePort();
    const env = { RATE_LIMIT_QUESTIONS_PER_MINUTE: '0', RATE_LIMIT_VOTES_PER_MINUTE: '0' };
    server = await startServer(data.dir, port, env);
    const { sessionId, code, adminToken } = await liveSession(server.url);
    const acked: Acked = { questions: [], votes: [] };
    const clients: LoadClient[] = [];
    for (let i = 0; i < 15; i++) {
      const p = await joinAs(server.url, code, i);
      clients.push(new LoadClient(server.url, p.token, p.participantId, sessionId, acked, 5));
    }
    clients.forEach((c) => c.start());
    while (acked.questions.length < 100) await sleep(50);

    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const out = await run(process.execPath, ['--import', 'tsx', 'scripts/backup.ts'], { env: { ...process.env, DATA_DIR: data.dir }, timeout: 60_000 });
      expect(out.stdout).toContain('integrity ok');
      const viaApi = await api<{ file: string }>(server.url, 'POST', '/api/admin/backups', undefined, adminToken);
      expect(viaApi.status).toBe(201);
      made.push(viaApi.body.file);
      await sleep(300);
    }
    const during = acked.questions.length;
    await Promise.all(clients.map((c) => c.stop()));
    expect((await stopServer(server)).code).toBe(0);
    server = null;

    const files = readdirSync(join(data.dir, 'backups')).filter((f) => f.endsWith('.db'));
    expect(files).toHaveLength(6);
    for (const f of made) expect(files).toContain(f);

    const live = new Database(join(data.dir, 'lang-nghe.db'), { readonly: true });
    const finalQ = new Map((live.prepare('select * from questions').all() as Q[]).map((q) => [q.id, q]));
    const hasVote = live.prepare('select 1 from votes where question_id = ? and participant_id = ?');
    const sizes: number[] = [];
    for (const f of files) {
      const copy = new Database(join(data.dir, 'backups', f), { readonly: true });
      try {
        expect(copy.pragma('integrity_check', { simple: true }), f).toBe('ok');
        // Consistent moment: each counter equals the vote rows beside it.
        const drift = copy.prepare('select id from questions q where votes <> (select count(*) from votes v where v.question_id = q.id)').all();
        expect(drift, f).toEqual([]);
        const qs = copy.prepare('select * from questions').all() as Q[];
        sizes.push(qs.length);
        for (const q of qs) {
          const now = finalQ.get(q.id);
          expect(now && { ...now, votes: 0 }, f).toEqual({ ...q, votes: 0 });
        }
        for (const v of copy.prepare('select question_id, participant_id from votes').all() as { question_id: number; participant_id: number }[]) {
          expect(hasVote.get(v.question_id, v.participant_id), f).toBeTruthy();
        }
      } finally {
        copy.close();
      }
    }
    live.close();
    console.log(`[backup-live] ${files.length} copies under load (questions in copies: ${sizes.join(', ')}; acknowledged by then ${during}); all intact and consistent`);
    expect(Math.max(...sizes)).toBeGreaterThan(Math.min(...sizes)); // the load really ran between copies
  });
});
