import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPg, type PgDb } from '../../server/db/pg';
import { freshPgDatabase, TEST_PG_URL } from '../helpers/pg';

/** The PostgreSQL migrations (cluster mode) on a real server, several nodes starting at once. */
describe.skipIf(!TEST_PG_URL)('PostgreSQL migrations', () => {
  let database: Awaited<ReturnType<typeof freshPgDatabase>>;
  const opened: PgDb[] = [];

  beforeAll(async () => {
    database = await freshPgDatabase();
  });
  afterAll(async () => {
    await Promise.all(opened.map((db) => db.$client.end()));
    await database?.drop();
  });

  it('migrate once when three nodes start together on an empty database', async () => {
    const nodes = await Promise.all([1, 2, 3].map(() => openPg(database.url, { maxConnections: 2 })));
    opened.push(...nodes);
    const db = nodes[0].$client;
    const applied = await db.query<{ n: number }>('select count(*) as n from drizzle.__drizzle_migrations');
    const files = (await import('node:fs')).readdirSync(new URL('../../migrations/pg', import.meta.url)).filter((f) => f.endsWith('.sql'));
    expect(applied.rows[0].n).toBe(files.length); // each applied once, not three times
    const tables = await db.query<{ table_name: string }>("select table_name from information_schema.tables where table_schema = 'public' order by 1");
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['users', 'sessions', 'questions', 'votes', 'answers', 'follow_ups', 'audit_log', 'units', 'fields', 'opinions']),
    );
    // The seeded fields, with their Vietnamese names intact.
    const fields = await db.query<{ name: string }>('select name from fields order by position');
    expect(fields.rows).toHaveLength(12);
    expect(fields.rows[0].name).toBe('Đất đai, môi trường');
  });

  it('give the same defaults as SQLite: ISO-8601 UTC text timestamps, booleans, identities', async () => {
    const db = opened[0].$client;
    const r = await db.query<{ id: number; created_at: string; disabled: boolean; token_version: number }>(
      "insert into users (username, display_name, role, password_hash) values ('a', 'Nguyễn Văn A', 'admin', 'x') returning id, created_at, disabled, token_version",
    );
    expect(r.rows[0]).toMatchObject({ id: 1, disabled: false, token_version: 0 });
    expect(r.rows[0].created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Math.abs(Date.parse(r.rows[0].created_at) - Date.now())).toBeLessThan(60_000);
    // The partial unique index: a join code is unique among sessions people can still reach.
    const s = "insert into sessions (title, audience, starts_at, code, status) values ('Đối thoại', 'Thanh niên', '2026-12-01T01:00:00.000Z', 'ABCDEF', $1)";
    await db.query(s, ['archived']);
    await db.query(s, ['open']);
    await expect(db.query(s, ['draft'])).rejects.toMatchObject({ code: '23505' });
  });

  it('re-open an up-to-date database without applying anything again', async () => {
    const again = await openPg(database.url, { maxConnections: 1 });
    opened.push(again);
    const users = await again.$client.query<{ n: number }>('select count(*) as n from users');
    expect(users.rows[0].n).toBe(1); // a number, not the text pg sends for int8
  });
});
