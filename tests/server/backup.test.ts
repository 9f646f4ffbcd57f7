import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { openDb } from '../../server/db/client';
import { auth, createSession, createStaff, createTestApp, errorCode, joinSession, TEST_DB, type TestApp } from '../helpers/app';
import { dumpDb, dumpFile, integrity } from '../resilience/lib/db-dump';

const run = promisify(execFile);

describe('backup and restore', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Limits off: the test writes far faster than a person.
    t = await createTestApp({ RATE_LIMIT_QUESTIONS_PER_MINUTE: '0', RATE_LIMIT_VOTES_PER_MINUTE: '0' });
  });
  afterAll(() => t.close());

  // The SQLite file's online backup and its restore; PostgreSQL is backed up with pg_dump.
  it.skipIf(TEST_DB === 'pg')('copies the live database consistently while questions keep arriving, and the copy restores', async () => {
    const s = await createSession(t, 'live', { moderation: 'post' });
    const people = await Promise.all(Array.from({ length: 5 }, () => joinSession(t, s.code)));
    let writing = true;
    let sent = 0;
    const writer = (async () => {
      while (writing) {
        const p = people[sent % people.length]!;
        const res = await t.app.inject({
          method: 'POST',
          url: `/api/sessions/${s.id}/questions`,
          headers: auth(p.token),
          payload: { text: `Câu hỏi số ${sent} về đường giao thông nông thôn`, clientId: `bk-${sent}` },
        });
        expect(res.statusCode).toBe(200);
        sent++;
      }
    })();
    // Let some rows exist first, then back up in the middle of the stream.
    while (sent < 50) await new Promise((r) => setTimeout(r, 5));
    const made = await t.app.inject({ method: 'POST', url: '/api/admin/backups', headers: auth(t.adminToken) });
    const during = sent;
    while (sent < during + 30) await new Promise((r) => setTimeout(r, 5));
    writing = false;
    await writer;

    expect(made.statusCode).toBe(201);
    const body = made.json() as { file: string; bytes: number };
    expect(body.file).toMatch(/^lang-nghe-\d{4}-\d{2}-\d{2}T[\d-]+Z\.db$/);
    const file = join(t.dataDir, 'backups', body.file);
    expect(existsSync(file)).toBe(true);
    expect(body.bytes).toBeGreaterThan(0);
    expect(integrity(file)).toBe('ok');

    // The copy is one moment of the source: every table is a prefix of the
    // source's (rows are only appended or updated by the writer, never lost).
    const copy = dumpFile(file);
    const source = dumpDb(t.db.$client);
    const copied = copy.questions as { id: number; text: string }[];
    expect(copied.length).toBeGreaterThanOrEqual(50);
    expect(copied.length).toBeLessThan((source.questions as unknown[]).length);
    expect(copied).toEqual((source.questions as unknown[]).slice(0, copied.length));
    expect(copy.users).toEqual(source.users);
    expect(copy.sessions).toEqual(source.sessions);

    // Quiet now: a second copy equals the source exactly.
    const again = await t.app.inject({ method: 'POST', url: '/api/admin/backups', headers: auth(t.adminToken) });
    expect(again.statusCode).toBe(201);
    const exact = join(t.dataDir, 'backups', (again.json() as { file: string }).file);
    // ...except for the audit entry of the copy itself, written once it is made.
    const { audit_log: sourceAudit, ...sourceRest } = dumpDb(t.db.$client) as { audit_log: { action: string }[] };
    const { audit_log: copyAudit, ...copyRest } = dumpFile(exact) as { audit_log: { action: string }[] };
    expect(copyRest).toEqual(sourceRest);
    expect(copyAudit).toEqual(sourceAudit.slice(0, -1));
    expect(sourceAudit.at(-1)!.action).toBe('backup.create');

    // Restore as docs/operations.md says: the copy becomes DATA_DIR/lang-nghe.db
    // of a fresh server, which serves the same questions.
    const restoreDir = mkdtempSync(join(tmpdir(), 'langnghe-restore-'));
    try {
      copyFileSync(exact, join(restoreDir, 'lang-nghe.db'));
      const config = loadConfig({ DATA_DIR: restoreDir, JWT_SECRET: t.config.jwtSecret, CLIENT_DIR: t.config.clientDir });
      const db = openDb(join(restoreDir, 'lang-nghe.db'));
      const restored = await buildApp({ config, db });
      try {
        const a = await t.app.inject({ url: `/api/sessions/${s.id}/questions`, headers: auth(t.adminToken) });
        const b = await restored.inject({ url: `/api/sessions/${s.id}/questions`, headers: auth(t.adminToken) });
        expect(b.statusCode).toBe(200);
        expect(b.json()).toEqual(a.json());
        expect(b.json()).toHaveLength(sent);
      } finally {
        await restored.close();
        db.$client.close();
      }
    } finally {
      rmSync(restoreDir, { recursive: true, force: true });
    }

    const list = await t.app.inject({ url: '/api/admin/backups', headers: auth(t.adminToken) });
    expect(list.statusCode).toBe(200);
    expect((list.json() as { file: string }[]).map((f) => f.file)).toEqual(
      [(again.json() as { file: string }).file, body.file],
    );
  });

  it('lets only an admin make or list backups', async () => {
    // On PostgreSQL no backup is ever made here (pg_dump's job), so there may be no folder.
    const backups = () => (existsSync(join(t.dataDir, 'backups')) ? readdirSync(join(t.dataDir, 'backups')).length : 0);
    const before = backups();
    const s = await createSession(t, 'live');
    const p = await joinSession(t, s.code);
    for (const role of ['moderator', 'leader', 'secretary'] as const) {
      const staff = await createStaff(t, role);
      for (const method of ['POST', 'GET'] as const) {
        const res = await t.app.inject({ method, url: '/api/admin/backups', headers: auth(staff.token) });
        expect(res.statusCode, `${role} ${method}`).toBe(403);
        expect(errorCode(res)).toBe('FORBIDDEN');
      }
    }
    expect((await t.app.inject({ method: 'POST', url: '/api/admin/backups', headers: auth(p.token) })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/api/admin/backups' })).statusCode).toBe(401);
    expect(backups()).toBe(before);
  });
});

// The backup script copies a SQLite file; PostgreSQL is backed up with pg_dump.
describe.skipIf(TEST_DB === 'pg')('npm run backup', () => {
  it('copies a database another process keeps writing to', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'langnghe-backup-script-'));
    try {
      // The "server": this process, writing through its own connection.
      const db = openDb(join(dataDir, 'lang-nghe.db'));
      const sqlite = db.$client;
      sqlite.exec(`insert into sessions (title, audience, starts_at, code) values ('Phiên thử', 'Nông dân', '2026-12-01T00:00:00Z', 'ABC123')`);
      sqlite.exec(`insert into participants (session_id) values (1)`);
      const insert = sqlite.prepare(
        `insert into questions (session_id, participant_id, number, text, status, tracking_code) values (1, 1, ?, ?, 'approved', ?)`,
      );
      let n = 0;
      const tick = () => {
        for (let i = 0; i < 20; i++, n++) insert.run(n + 1, `Câu hỏi ${n}`, `TRACK${String(n).padStart(6, '0')}`);
      };
      for (let i = 0; i < 50; i++) tick();
      const timer = setInterval(tick, 2);
      let out: { stdout: string };
      try {
        out = await run(process.execPath, ['--import', 'tsx', 'scripts/backup.ts'], {
          env: { ...process.env, DATA_DIR: dataDir },
          cwd: process.cwd(),
          timeout: 60_000,
        });
      } finally {
        clearInterval(timer);
      }
      expect(out.stdout).toContain('integrity ok');
      // One self-contained file (no -wal/-shm to forget when copying it away).
      const files = readdirSync(join(dataDir, 'backups'));
      expect(files).toHaveLength(1);
      const copy = dumpFile(join(dataDir, 'backups', files[0]!)).questions as { id: number }[];
      const source = dumpDb(sqlite).questions as { id: number }[];
      expect(copy.length).toBeGreaterThanOrEqual(1000);
      // A consistent moment: ids 1..k with no hole, each row as in the source.
      expect(copy).toEqual(source.slice(0, copy.length));
      expect(new Database(join(dataDir, 'backups', files[0]!), { readonly: true }).pragma('integrity_check', { simple: true })).toBe('ok');
      sqlite.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
