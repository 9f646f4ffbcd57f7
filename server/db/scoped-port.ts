import { AsyncLocalStorage } from 'node:async_hooks';

/** A transaction or one of its savepoints, as the ports track them. */
export interface TxScope {
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
 * What both ports do the same way around their engine: the transaction the
 * caller runs in (AsyncLocalStorage), nested transactions as savepoints run
 * one after another, group-commit steps, and what waits for the COMMIT.
 * Each engine says how a statement runs, how a savepoint's scope is made and
 * how the outermost transaction is begun and committed.
 *
 * SQLite's statements run synchronously: a statement that returns no promise
 * is not awaited, so its path takes no extra turn of the event loop.
 */
export abstract class ScopedPort<S extends TxScope> {
  protected readonly scope = new AsyncLocalStorage<S>();

  /** Runs one statement of the transaction `s` (BEGIN, COMMIT and ROLLBACK are the subclass's). */
  protected abstract exec(s: S, sql: string): void | Promise<void>;
  /** Whether a failed savepoint can be rolled back to: SQLite ends the whole transaction itself on some errors. */
  protected abstract canRollBack(): boolean;
  /** The scope of a savepoint of `outer`. */
  protected abstract nested(outer: S): S;
  /** Whether a savepoint waits for the savepoints begun inside it before its RELEASE (PostgreSQL does). */
  protected abstract readonly waitsForNested: boolean;
  /** The outermost transaction: BEGIN, `fn` in its scope, COMMIT, then what waited for it. */
  protected abstract transaction<T>(fn: () => T | Promise<T>): Promise<T>;

  /** The transaction (or savepoint) the caller runs in, if it is still under way. */
  protected current(): S | undefined {
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
    return outer ? this.savepoint(outer, fn) : this.transaction(fn);
  }

  async step<T>(fn: () => T | Promise<T>): Promise<T> {
    const s = this.current();
    if (!s) throw new Error('DbPort.step() is for a transaction under way');
    // Steps are run one after another by their caller (a group commit).
    // What this step announces is dropped with its writes if it fails.
    const mark = s.committed.length;
    let p = this.exec(s, 'SAVEPOINT lnstep');
    if (p) await p;
    try {
      const result = await fn();
      p = this.exec(s, 'RELEASE SAVEPOINT lnstep');
      if (p) await p;
      return result;
    } catch (err) {
      if (this.canRollBack()) {
        p = this.exec(s, 'ROLLBACK TO SAVEPOINT lnstep');
        if (p) await p;
        p = this.exec(s, 'RELEASE SAVEPOINT lnstep');
        if (p) await p;
      }
      s.committed.length = mark;
      throw err;
    }
  }

  private savepoint<T>(outer: S, fn: () => T | Promise<T>): Promise<T> {
    const run = outer.tail.then(async () => {
      const name = `lnsp${outer.depth + 1}`;
      const mine = this.nested(outer);
      let p = this.exec(outer, `SAVEPOINT ${name}`);
      if (p) await p;
      try {
        const result = await this.scope.run(mine, fn);
        if (this.waitsForNested) await mine.tail;
        p = this.exec(outer, `RELEASE SAVEPOINT ${name}`);
        if (p) await p;
        outer.committed.push(...mine.committed);
        return result;
      } catch (err) {
        if (this.canRollBack()) {
          p = this.exec(outer, `ROLLBACK TO SAVEPOINT ${name}`);
          if (p) await p;
          p = this.exec(outer, `RELEASE SAVEPOINT ${name}`);
          if (p) await p;
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
