import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { openDb } from '../../server/db/client';
import { openDatabase } from '../../server/db/open';
import { bootstrap } from '../../server/domain/bootstrap';
import { dbRow, dbRows, TEST_DB } from '../helpers/app';
import { freshPgDatabase } from '../helpers/pg';

describe('first start', () => {
  it('creates the admin and a sample session once, and a second start keeps everything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'langnghe-boot-'));
    // The SQLite file DATA_DIR/lang-nghe.db, or (TEST_DB=pg) one fresh PostgreSQL database for both starts.
    const pg = TEST_DB === 'pg' ? await freshPgDatabase() : null;
    const open = () => openDatabase({ databaseUrl: pg?.url ?? null, dataDir: dir });
    try {
      const start = async () => {
        const config = loadConfig({ DATA_DIR: dir });
        const db = await open();
        try {
          const app = await buildApp({ config, db: db.port });
          const result = await bootstrap(app.services, null);
          const counts = await dbRow(db, 'select (select count(*) from users) u, (select count(*) from sessions) s');
          await app.close();
          return { result, counts, config };
        } finally {
          await db.close();
        }
      };
      const first = await start();
      expect(first.result.created).not.toBeNull();
      expect(first.result.created!.adminPassword.length).toBeGreaterThanOrEqual(12);
      expect(first.result.created!.joinCode).toHaveLength(6);
      expect(first.counts).toEqual({ u: 1, s: 1 });
      const secret = readFileSync(join(dir, 'jwt-secret'), 'utf8');

      const second = await start();
      expect(second.result.created).toBeNull();
      expect(second.counts).toEqual({ u: 1, s: 1 });
      expect(readFileSync(join(dir, 'jwt-secret'), 'utf8')).toBe(secret);
      expect(second.config.jwtSecret).toBe(first.config.jwtSecret);

      // The sample session is joinable, in Vietnamese.
      const db = await open();
      const s = (await dbRow<{ title: string; status: string }>(db, 'select title, status from sessions'))!;
      // The sample session lists the admin among its staff (its staff list is not empty).
      const staff = await dbRows<{ username: string; role: string }>(
        db,
        'select u.username, u.role from session_staff ss join users u on u.id = ss.user_id',
      );
      await db.close();
      expect(s.status).toBe('open');
      expect(s.title).toMatch(/Đối thoại|đối thoại/);
      expect(staff).toEqual([{ username: 'admin', role: 'admin' }]);
    } finally {
      await pg?.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// SQLite's file, journal and pragmas; PostgreSQL's migrations are tests/server/pg-migrations.test.ts's.
describe.skipIf(TEST_DB === 'pg')('migrations', () => {
  it('apply to an empty database and re-apply harmlessly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'langnghe-mig-'));
    try {
      const file = join(dir, 'm.db');
      const db = openDb(file);
      db.$client.prepare("insert into settings(key, value) values ('probe', 'giữ nguyên')").run();
      const tables = (db.$client.prepare("select name from sqlite_master where type = 'table' order by name").all() as { name: string }[]).map((r) => r.name);
      expect(tables).toEqual(expect.arrayContaining(['users', 'sessions', 'session_panel', 'participants', 'questions', 'votes', 'answers', 'commitments', 'follow_ups', 'audit_log']));
      expect(db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.$client.pragma('synchronous', { simple: true })).toBe(2); // FULL
      expect(db.$client.pragma('foreign_keys', { simple: true })).toBe(1);
      db.$client.close();
      const again = openDb(file);
      expect(again.$client.prepare("select value from settings where key = 'probe'").get()).toEqual({ value: 'giữ nguyên' });
      again.$client.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
