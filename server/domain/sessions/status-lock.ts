import type { DbPort, Prepared } from '../../db/port';

/**
 * A session's status against the writes it allows (votes, questions), on
 * PostgreSQL. Under READ COMMITTED a vote batch could read "live", a close
 * commit beside it, and the batch commit after: a vote counted in a closed
 * record. Writes that depend on the status hold the session's lock shared
 * for their transaction; a status change holds it exclusive, first thing in
 * its transaction. So a close waits for the writes already under way and the
 * next ones read "closed". An advisory lock rather than a row lock: it is
 * taken before any row lock on both sides, so it adds no deadlock with the
 * moderators' transactions that lock a question and then the session row.
 * On SQLite every write transaction runs alone already: nothing to do.
 */
const STATUS_LOCK_CLASS = 7263;

interface Statements {
  shared: Prepared<[number[]], unknown>;
  sharedOfQuestions: Prepared<[number[]], unknown>;
  exclusive: Prepared<[number], unknown>;
}
const statements = new WeakMap<DbPort, Statements>();

function stmts(port: DbPort): Statements {
  let s = statements.get(port);
  if (!s) {
    // Sessions in id order: two batches never wait on each other in a cycle.
    s = {
      shared: port.prepare({
        sqlite: 'SELECT ?',
        pg: `SELECT count(pg_advisory_xact_lock_shared(${STATUS_LOCK_CLASS}, s)) FROM (SELECT DISTINCT unnest($1::int[]) AS s ORDER BY 1) x`,
      }),
      sharedOfQuestions: port.prepare({
        sqlite: 'SELECT ?',
        pg: `SELECT count(pg_advisory_xact_lock_shared(${STATUS_LOCK_CLASS}, s)) FROM (SELECT DISTINCT session_id AS s FROM questions WHERE id = ANY($1::int[]) ORDER BY 1) x`,
      }),
      exclusive: port.prepare({ sqlite: 'SELECT ?', pg: `SELECT pg_advisory_xact_lock(${STATUS_LOCK_CLASS}, $1) AS locked` }),
    };
    statements.set(port, s);
  }
  return s;
}

/** Until the transaction ends, no status change of these sessions commits. Call inside `port.tx`, before reading their status. */
export async function holdSessionStatus(port: DbPort, sessionIds: number[]): Promise<void> {
  if (port.dialect === 'pg' && sessionIds.length > 0) await stmts(port).shared.get(sessionIds);
}

/** The same, for the sessions of these questions (their session never changes). */
export async function holdSessionStatusOfQuestions(port: DbPort, questionIds: number[]): Promise<void> {
  if (port.dialect === 'pg' && questionIds.length > 0) await stmts(port).sharedOfQuestions.get(questionIds);
}

/** Waits for the writes that hold the session's status, and keeps new ones waiting until this transaction ends. */
export async function changeSessionStatus(port: DbPort, sessionId: number): Promise<void> {
  if (port.dialect === 'pg') await stmts(port).exclusive.get(sessionId);
}
