import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';

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

  constructor(private readonly sqlite: Database.Database) {}

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
export function portOf(db: { $client: Database.Database }): DbPort {
  let port = ports.get(db);
  if (!port) ports.set(db, (port = new SqlitePort(db.$client)));
  return port;
}
