import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import * as schema from './schema/pg';

/**
 * Cluster mode's database (DATABASE_URL=postgres://…): the PostgreSQL twin
 * of ./client.ts. Several nodes may start at once on an empty database, so
 * migrations run under a session-level advisory lock: the first node
 * migrates, the others wait and then find nothing left to do.
 */

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

export const PG_MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/pg', import.meta.url));

/** Advisory lock keys of this application (one bigint namespace per database). */
export const PG_LOCKS = { migrate: 7_261_001, bootstrap: 7_261_002 } as const;

// COUNT(*) and other int8 results come back from `pg` as strings; ids and
// counts here stay far below 2^53, so read them as numbers everywhere.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export async function openPg(url: string, options: { maxConnections?: number } = {}): Promise<PgDb> {
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10 });
  // An idle client's error (the server restarted, a network cut) must not crash the node.
  pool.on('error', () => undefined);
  const db = drizzle(pool, { schema });
  try {
    // On the connection that holds the lock: a pool of one must not wait on itself.
    await withAdvisoryLock(pool, PG_LOCKS.migrate, (client) => migrate(drizzle(client, { schema }), { migrationsFolder: PG_MIGRATIONS_DIR }));
  } catch (err) {
    await pool.end();
    throw err;
  }
  return db;
}

/** Runs `work` while holding a PostgreSQL advisory lock (waits for it), on one pooled connection. */
export async function withAdvisoryLock<T>(pool: pg.Pool, key: number, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [key]);
    try {
      return await work(client);
    } finally {
      await client.query('select pg_advisory_unlock($1)', [key]);
    }
  } finally {
    client.release();
  }
}
