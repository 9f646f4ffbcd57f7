import { AsyncLocalStorage } from 'node:async_hooks';
import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { PG_LOCKS, withAdvisoryLock, type PgDb } from './pg';
import type { DbPort, DialectSql, Prepared, Q, Tables } from './port';
import * as pgSchema from './schema/pg';

interface Scope {
  /** The pooled connection the transaction holds until it ends. */
  readonly client: pg.PoolClient;
  readonly q: Q;
  readonly committed: (() => void)[];
  readonly depth: number;
  /** Savepoints of one scope run one after another, never interleaved. */
  tail: Promise<unknown>;
  open: boolean;
}

/**
 * PostgreSQL through a node-postgres pool. A transaction takes one pooled
 * connection from BEGIN to COMMIT; everything awaited inside it (found
 * through AsyncLocalStorage) runs on that connection, nested transactions
 * and group-commit steps as savepoints of it. Transactions of different
 * callers run side by side, as PostgreSQL allows (READ COMMITTED): a repo
 * that reads and then writes must lock what it read or write conditionally.
 */
export class PgPort implements DbPort {
  readonly dialect = 'pg' as const;
  // Same table names, columns and row types as the SQLite tables (schema-parity test).
  readonly t = pgSchema as unknown as Tables;
  private readonly scope = new AsyncLocalStorage<Scope>();
  private readonly outside: Q;
  private statements = 0;

  constructor(readonly db: PgDb) {
    this.outside = db as unknown as Q;
  }

  private current(): Scope | undefined {
    const s = this.scope.getStore();
    return s?.open ? s : undefined;
  }

  get q(): Q {
    return this.current()?.q ?? this.outside;
  }

  inTx(): boolean {
    return this.current() !== undefined;
  }

  afterCommit(fn: () => void): void {
    const s = this.current();
    if (s) s.committed.push(fn);
    else fn();
  }

  async tx<T>(fn: () => T | Promise<T>): Promise<T> {
    const outer = this.current();
    if (outer) return this.savepoint(outer, fn);
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

  async step<T>(fn: () => T | Promise<T>): Promise<T> {
    const s = this.current();
    if (!s) throw new Error('DbPort.step() is for a transaction under way');
    // Steps are run one after another by their caller (a group commit), as on SQLite.
    const mark = s.committed.length;
    await s.client.query('SAVEPOINT lnstep');
    try {
      const result = await fn();
      await s.client.query('RELEASE SAVEPOINT lnstep');
      return result;
    } catch (err) {
      await s.client.query('ROLLBACK TO SAVEPOINT lnstep');
      await s.client.query('RELEASE SAVEPOINT lnstep');
      // What this step announced is dropped with its writes.
      s.committed.length = mark;
      throw err;
    }
  }

  private savepoint<T>(outer: Scope, fn: () => T | Promise<T>): Promise<T> {
    const run = outer.tail.then(async () => {
      const name = `lnsp${outer.depth + 1}`;
      const mine: Scope = { ...outer, committed: [], depth: outer.depth + 1, tail: Promise.resolve(), open: true };
      await outer.client.query(`SAVEPOINT ${name}`);
      try {
        const result = await this.scope.run(mine, fn);
        await mine.tail;
        await outer.client.query(`RELEASE SAVEPOINT ${name}`);
        outer.committed.push(...mine.committed);
        return result;
      } catch (err) {
        await outer.client.query(`ROLLBACK TO SAVEPOINT ${name}`);
        await outer.client.query(`RELEASE SAVEPOINT ${name}`);
        throw err;
      } finally {
        mine.open = false;
      }
    });
    outer.tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
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
