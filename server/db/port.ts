import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import * as sqliteSchema from './schema/sqlite';

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

interface Scope {
  /** What waits for the outermost COMMIT. */
  readonly committed: (() => void)[];
  /** Savepoint depth of this scope (0: the transaction itself). */
  readonly depth: number;
  /** Savepoints of one scope run one after another, never interleaved. */
  tail: Promise<unknown>;
  /**
   * Until its COMMIT, RELEASE or rollback. A timer or callback set up inside
   * a transaction keeps its scope after it ended: such a caller is then
   * outside any transaction, not inside a finished one.
   */
  open: boolean;
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
export class SqlitePort implements DbPort {
  readonly dialect = 'sqlite' as const;
  private readonly scope = new AsyncLocalStorage<Scope>();
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

  /** The transaction (or savepoint) the caller runs in, if it is still under way. */
  private current(): Scope | undefined {
    const s = this.scope.getStore();
    return s?.open ? s : undefined;
  }

  inTx(): boolean {
    return this.current() !== undefined;
  }

  afterCommit(fn: () => void): void {
    const s = this.current();
    if (s) s.committed.push(fn);
    else fn();
  }

  tx<T>(fn: () => T | Promise<T>): Promise<T> {
    const outer = this.current();
    if (outer) return this.savepoint(outer, fn);
    const run = this.queue.then(() => this.transaction(fn));
    // The next transaction waits for this one to end, however it ends.
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  async step<T>(fn: () => T | Promise<T>): Promise<T> {
    const s = this.current();
    if (!s) throw new Error('DbPort.step() is for a transaction under way');
    // What this step announces is dropped with its writes if it fails.
    const mark = s.committed.length;
    this.exec('SAVEPOINT lnstep');
    try {
      const result = await fn();
      this.exec('RELEASE lnstep');
      return result;
    } catch (err) {
      if (this.sqlite.inTransaction) {
        this.exec('ROLLBACK TO lnstep');
        this.exec('RELEASE lnstep');
      }
      s.committed.length = mark;
      throw err;
    }
  }

  private exec(sql: string): void {
    let s = this.stmts.get(sql);
    if (!s) this.stmts.set(sql, (s = this.sqlite.prepare(sql)));
    s.run();
  }

  private async transaction<T>(fn: () => T | Promise<T>): Promise<T> {
    const mine: Scope = { committed: [], depth: 0, tail: Promise.resolve(), open: true };
    this.exec('BEGIN IMMEDIATE');
    let result: T;
    try {
      result = await this.scope.run(mine, fn);
      this.exec('COMMIT');
    } catch (err) {
      if (this.sqlite.inTransaction) this.exec('ROLLBACK');
      throw err;
    } finally {
      mine.open = false;
    }
    for (const send of mine.committed) send();
    return result;
  }

  private savepoint<T>(outer: Scope, fn: () => T | Promise<T>): Promise<T> {
    const run = outer.tail.then(async () => {
      const name = `lnsp${outer.depth + 1}`;
      const mine: Scope = { committed: [], depth: outer.depth + 1, tail: Promise.resolve(), open: true };
      this.exec(`SAVEPOINT ${name}`);
      try {
        const result = await this.scope.run(mine, fn);
        this.exec(`RELEASE ${name}`);
        outer.committed.push(...mine.committed);
        return result;
      } catch (err) {
        if (this.sqlite.inTransaction) {
          this.exec(`ROLLBACK TO ${name}`);
          this.exec(`RELEASE ${name}`);
        }
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
