import type { DbPort, Prepared } from '../../db/port';

/**
 * Transaction-level advisory locks of the register, for read-then-write
 * steps that no row lock or constraint covers (is there a unit yet? would
 * this repeat link make a loop?). On SQLite every write transaction runs
 * alone already: nothing to do. Keys share the bigint namespace of
 * PG_LOCKS in server/db/pg.ts (7_261_0xx there, 7_261_1xx here).
 */
export const REGISTER_LOCKS = {
  /** The first unit (UnitsService.ensureDefault). */
  defaultUnit: 7_261_101,
  /** Repeat links between opinions (loops are checked over all of them). */
  repeatLinks: 7_261_102,
} as const;

const stmts = new WeakMap<DbPort, Prepared<[number], unknown>>();

/** Holds `key` until the end of the current transaction (PostgreSQL); nothing on SQLite. Call inside `port.tx`. */
export async function lockInTx(port: DbPort, key: number): Promise<void> {
  if (port.dialect !== 'pg') return;
  let stmt = stmts.get(port);
  if (!stmt) stmts.set(port, (stmt = port.prepare<[number]>({ sqlite: 'SELECT ?', pg: 'SELECT pg_advisory_xact_lock($1::bigint) AS locked' })));
  await stmt.get(key);
}
