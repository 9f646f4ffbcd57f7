import pg from 'pg';

/**
 * PostgreSQL for the cluster mode's tests. They run when TEST_PG_URL names a
 * server where its user may create databases (.ci/run sets it, starting the
 * local PostgreSQL if needed); the default SQLite run needs nothing.
 */
export const TEST_PG_URL = process.env.TEST_PG_URL ?? '';

/** A new, empty database on the test server, dropped by `drop()`. */
export async function freshPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `langnghe_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: TEST_PG_URL });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
