import pg from 'pg';
import { createClient } from 'redis';
import Database from 'better-sqlite3';

/**
 * What the two-node bench needs outside the server: a database of its own on
 * a PostgreSQL server (dropped afterwards), its Redis keys swept, and the rows
 * the correctness check reads, from either engine.
 */

/** A new, empty database on the server `adminUrl` names; `drop()` removes it (with force: a killed node may hold connections). */
export async function freshPgDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `langnghe_bench_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const run = async (sql: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await run(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`drop database if exists ${name} with (force)`) };
}

/** Deletes every key the run's nodes wrote under `prefix` (streams, leases, rate-limit counters). */
export async function sweepRedis(url: string, prefix: string): Promise<void> {
  const redis = createClient({ url });
  redis.on('error', () => undefined);
  await redis.connect();
  try {
    for await (const keys of redis.scanIterator({ MATCH: `*${prefix}*`, COUNT: 500 })) if (keys.length) await redis.del(keys);
  } finally {
    redis.destroy();
  }
}

/** The stored rows of one session that the bench compares with what the server acknowledged. */
export interface StoredRows {
  questions: { id: number; p: number; c: string | null }[];
  votes: { q: number; p: number }[];
  /** Questions whose `votes` counter differs from their vote rows. */
  countMismatches: number;
  /** Questions with at least one vote, and their counter. */
  voted: { id: number; votes: number }[];
}

export function sqliteRows(file: string, sessionId: number): StoredRows {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return {
      questions: db.prepare('SELECT id, participant_id AS p, client_id AS c FROM questions WHERE session_id = ?').all(sessionId) as StoredRows['questions'],
      votes: db.prepare('SELECT v.question_id AS q, v.participant_id AS p FROM votes v JOIN questions q ON q.id = v.question_id WHERE q.session_id = ?').all(sessionId) as StoredRows['votes'],
      countMismatches: (
        db.prepare('SELECT count(*) AS n FROM questions q WHERE q.session_id = ? AND q.votes <> (SELECT count(*) FROM votes v WHERE v.question_id = q.id)').get(sessionId) as { n: number }
      ).n,
      voted: db.prepare('SELECT id, votes FROM questions WHERE session_id = ? AND votes > 0').all(sessionId) as StoredRows['voted'],
    };
  } finally {
    db.close();
  }
}

export async function pgRows(url: string, sessionId: number): Promise<StoredRows> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const q = async <T extends pg.QueryResultRow>(sql: string) => (await c.query<T>(sql, [sessionId])).rows;
    return {
      questions: await q<StoredRows['questions'][number]>('SELECT id, participant_id AS p, client_id AS c FROM questions WHERE session_id = $1'),
      votes: await q<StoredRows['votes'][number]>('SELECT v.question_id AS q, v.participant_id AS p FROM votes v JOIN questions q ON q.id = v.question_id WHERE q.session_id = $1'),
      countMismatches: (
        await q<{ n: number }>('SELECT count(*)::int AS n FROM questions q WHERE q.session_id = $1 AND q.votes <> (SELECT count(*) FROM votes v WHERE v.question_id = q.id)')
      )[0]!.n,
      voted: await q<StoredRows['voted'][number]>('SELECT id, votes FROM questions WHERE session_id = $1 AND votes > 0'),
    };
  } finally {
    await c.end();
  }
}
