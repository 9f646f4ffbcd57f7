import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { PG_LOCKS, withAdvisoryLock, type PgDb } from './pg';
import type { DbPort, DialectSql, Prepared, Q, Tables } from './port';
import * as pgSchema from './schema/pg';
import { ScopedPort, type TxScope } from './scoped-port';

interface Scope extends TxScope {
  /** The pooled connection the transaction holds until it ends. */
  readonly client: pg.PoolClient;
  readonly q: Q;
}

/**
 * PostgreSQL through a node-postgres pool. A transaction takes one pooled
 * connection from BEGIN to COMMIT; everything awaited inside it (found
 * through AsyncLocalStorage) runs on that connection, nested transactions
 * and group-commit steps as savepoints of it. Transactions of different
 * callers run side by side, as PostgreSQL allows (READ COMMITTED): a repo
 * that reads and then writes must lock what it read or write conditionally.
 */
export class PgPort extends ScopedPort<Scope> implements DbPort {
  readonly dialect = 'pg' as const;
  // Same table names, columns and row types as the SQLite tables (schema-parity test).
  readonly t = pgSchema as unknown as Tables;
  // A savepoint waits for the savepoints begun inside it before its RELEASE, as a transaction before its COMMIT.
  protected readonly waitsForNested = true;
  private readonly outside: Q;
  private statements = 0;

  constructor(readonly db: PgDb) {
    super();
    this.outside = db as unknown as Q;
  }

  get q(): Q {
    return this.current()?.q ?? this.outside;
  }

  protected async exec(s: Scope, sql: string): Promise<void> {
    await s.client.query(sql);
  }

  protected canRollBack(): boolean {
    return true;
  }

  protected nested(outer: Scope): Scope {
    return { ...outer, committed: [], depth: outer.depth + 1, tail: Promise.resolve(), open: true };
  }

  protected async transaction<T>(fn: () => T | Promise<T>): Promise<T> {
    const client = await this.db.$client.connect();
    const mine: Scope = {
      client,
      q: drizzle(client, { schema: pgSchema }) as unknown as Q,
      committed: [],
      depth: 0,
      tail: Promise.resolve(),
      open: true,
    };
    let broken: Error | undefined;
    let result: T;
    try {
      await client.query('BEGIN');
      try {
        result = await this.scope.run(mine, fn);
        await mine.tail;
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch((e: Error) => (broken = e));
        throw err;
      } finally {
        mine.open = false;
      }
    } finally {
      // A connection whose ROLLBACK failed is in an unknown state: the pool drops it.
      client.release(broken);
    }
    for (const send of mine.committed) send();
    return result;
  }

  prepare<P extends unknown[], R = unknown>(text: DialectSql): Prepared<P, R> {
    // A named statement is parsed once per connection, then only bound.
    const name = `ln_${++this.statements}`;
    const query = async (params: P): Promise<pg.QueryResult> => {
      const config: pg.QueryConfig<unknown[]> = { name, text: text.pg, values: params };
      const s = this.current();
      return s ? s.client.query(config) : this.db.$client.query(config);
    };
    return {
      all: async (...params: P) => (await query(params)).rows as R[],
      get: async (...params: P) => (await query(params)).rows[0] as R | undefined,
      run: async (...params: P) => (await query(params)).rowCount ?? 0,
    };
  }

  exclusive<T>(name: 'bootstrap', fn: () => Promise<T>): Promise<T> {
    // The lock is held by a connection of its own; `fn` queries through the pool as usual.
    return withAdvisoryLock(this.db.$client, PG_LOCKS[name], () => fn());
  }

  isRetryable(err: unknown): boolean {
    const code = sqlState(err);
    return code === '40P01' || code === '40001';
  }

  isUniqueViolation(err: unknown): boolean {
    return sqlState(err) === '23505';
  }
}

/** The SQLSTATE of a driver error; drizzle wraps it, so it is on the error or on its cause. */
function sqlState(err: unknown): unknown {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  return e?.cause?.code ?? e?.code;
}
