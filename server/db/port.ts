import type Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import * as sqliteSchema from './schema/sqlite';
import { ScopedPort, type TxScope } from './scoped-port';

/** The tables repos are written against; on PostgreSQL their twins in ./schema/pg.ts (same names, columns and row types). */
export type Tables = typeof sqliteSchema;

/**
 * The query builder repos write against. Its type is SQLite's drizzle
 * database; on PostgreSQL it is the node-postgres one (or the transaction's
 * connection) used with the PostgreSQL tables. So repos use only what both
 * engines' builders share and await it: select/insert/update/delete,
 * `returning()`, `onConflictDoNothing/DoUpdate()`, `sql` fragments valid on
 * both. Never SQLite's synchronous terminals `.get()`, `.all()`, `.run()`,
 * `.values()` (tests/server/dialect-neutral.test.ts keeps them out).
 */
export type Q = BetterSQLite3Database<Tables>;

/** A statement written once per engine and prepared once: for hot paths where building a query per call costs too much. */
export interface Prepared<P extends unknown[], R> {
  all(...params: P): Promise<R[]>;
  get(...params: P): Promise<R | undefined>;
  /** Runs it; resolves with the number of rows it changed. */
  run(...params: P): Promise<number>;
}

/** One statement's text on each engine: `?` placeholders on SQLite, `$1, $2…` on PostgreSQL. */
export interface DialectSql {
  sqlite: string;
  pg: string;
}

/**
 * The database as the rest of the server sees it, whatever engine is below:
 * repos await their queries, and every write happens inside `tx`. What an
 * action announces waits for the COMMIT that makes it true (`afterCommit`).
 */
export interface DbPort {
  readonly dialect: 'sqlite' | 'pg';
  /**
   * Runs `fn` in one transaction and resolves once it is committed. Called
   * from inside another transaction it becomes a savepoint of it: its writes
   * are undone alone if it throws, and committed with the outer one.
   */
  tx<T>(fn: () => T | Promise<T>): Promise<T>;
  /** Runs `fn` after the COMMIT of the transaction we are in (at once outside one); dropped if it rolls back. */
  afterCommit(fn: () => void): void;
  /** Whether the caller runs inside a transaction of this port. */
  inTx(): boolean;
  /**
   * A savepoint of the transaction we are in, for steps run one after
   * another (a group commit's actions): like a nested `tx`, at a fraction of
   * its cost (no scope of its own). Outside a transaction it is an error.
   */
  step<T>(fn: () => T | Promise<T>): Promise<T>;
  /** The query builder of the transaction we are in, or of the database outside one. */
  readonly q: Q;
  /** The tables, as this engine declares them. */
  readonly t: Tables;
  prepare<P extends unknown[], R = unknown>(text: DialectSql): Prepared<P, R>;
  /** Whether `err` is a unique-constraint violation (two rows where one is allowed). */
  isUniqueViolation(err: unknown): boolean;
  /**
   * Whether `err` says "try again": PostgreSQL chose this transaction as a
   * deadlock's victim, or could not serialise it. Never on SQLite, whose
   * writers take turns.
   */
  isRetryable(err: unknown): boolean;
  /**
   * Runs `fn` while no other node runs the same named work (an advisory lock
   * on PostgreSQL, where several nodes share the database). On SQLite, one
   * process per file, it simply runs.
   */
  exclusive<T>(name: 'bootstrap', fn: () => Promise<T>): Promise<T>;
}

/**
 * SQLite through one better-sqlite3 connection. better-sqlite3 is
 * synchronous and its `transaction()` commits when its function returns,
 * i.e. at the first `await` of an async one; so transactions are run here:
 * one at a time (a mutex around BEGIN IMMEDIATE … COMMIT, as Kysely does on
 * its single connection), the current one found through AsyncLocalStorage
 * so that nested calls become savepoints instead of waiting for themselves.
 *
 * Only database awaits belong inside a transaction: it holds the one
 * connection until it ends. A read outside any transaction does not wait;
 * on this one connection it may see the rows of a transaction between two
 * of its awaits, which only matters if that COMMIT then fails (a full disk).
 */
export class SqlitePort extends ScopedPort<TxScope> implements DbPort {
  readonly dialect = 'sqlite' as const;
  // A savepoint is released when its body returns.
  protected readonly waitsForNested = false;
  /** The end of the last transaction asked for: the next one starts after it. */
  private queue: Promise<void> = Promise.resolve();
  private readonly stmts = new Map<string, Database.Statement>();
  readonly q: Q;
  readonly t: Tables = sqliteSchema;

  constructor(
    /** The one connection (read by sqliteOf, for code not yet written for both engines). */
    readonly sqlite: Database.Database,
    q?: Q,
  ) {
    super();
    // One connection: the same builder inside and outside a transaction.
    this.q = q ?? drizzle(sqlite, { schema: sqliteSchema });
  }

  prepare<P extends unknown[], R = unknown>(text: DialectSql): Prepared<P, R> {
    const stmt = this.sqlite.prepare(text.sqlite);
    // A statement that returns no rows (INSERT without RETURNING) cannot be asked for rows.
    const reader = stmt.reader;
    return {
      all: async (...params: P) => stmt.all(...params) as R[],
      get: async (...params: P) => stmt.get(...params) as R | undefined,
      run: async (...params: P) => (reader ? stmt.all(...params).length : stmt.run(...params).changes),
    };
  }

  exclusive<T>(_name: 'bootstrap', fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  isRetryable(_err: unknown): boolean {
    return false;
  }

  isUniqueViolation(err: unknown): boolean {
    const code = (err as { code?: unknown } | null)?.code;
    return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  }

  protected transaction<T>(fn: () => T | Promise<T>): Promise<T> {
    const run = this.queue.then(() => this.begin(fn));
    // The next transaction waits for this one to end, however it ends.
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  protected exec(_s: TxScope, sql: string): void {
    this.run(sql);
  }

  protected canRollBack(): boolean {
    return this.sqlite.inTransaction;
  }

  protected nested(outer: TxScope): TxScope {
    return { committed: [], depth: outer.depth + 1, tail: Promise.resolve(), open: true };
  }

  private run(sql: string): void {
    let s = this.stmts.get(sql);
    if (!s) this.stmts.set(sql, (s = this.sqlite.prepare(sql)));
    s.run();
  }

  private async begin<T>(fn: () => T | Promise<T>): Promise<T> {
    const mine: TxScope = { committed: [], depth: 0, tail: Promise.resolve(), open: true };
    this.run('BEGIN IMMEDIATE');
    let result: T;
    try {
      result = await this.scope.run(mine, fn);
      this.run('COMMIT');
    } catch (err) {
      if (this.sqlite.inTransaction) this.run('ROLLBACK');
      throw err;
    } finally {
      mine.open = false;
    }
    for (const send of mine.committed) send();
    return result;
  }
}

const ports = new WeakMap<object, DbPort>();

/**
 * The port of an opened database: one per connection, made on first use, so
 * that every service of an app shares its mutex and its transaction scope.
 */
export function portOf(db: Q & { $client: Database.Database }): DbPort {
  let port = ports.get(db);
  if (!port) ports.set(db, (port = new SqlitePort(db.$client, db)));
  return port;
}

/**
 * The better-sqlite3 connection under a SQLite port: for code not yet
 * written for both engines (issue 13). On PostgreSQL it throws, so such code
 * is found by the PostgreSQL test run instead of misbehaving.
 */
export function sqliteOf(port: DbPort): Database.Database {
  if (port instanceof SqlitePort) return port.sqlite;
  throw new Error(`this query is written for SQLite only; the ${port.dialect} port cannot run it`);
}
