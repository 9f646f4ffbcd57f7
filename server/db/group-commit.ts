import type { DbPort } from './port';
import { retrying } from './retry';

interface Pending {
  run: () => unknown;
  done: (err: unknown, data?: unknown) => void;
}

/**
 * Group commit for the actions people fire in storms (votes and questions,
 * joins when a hall scans the QR code at once). Actions that arrive in the
 * same turn of the event loop run in one transaction, each inside its own
 * savepoint (a failing action undoes only its own writes), and every ack
 * goes out after the one COMMIT. `synchronous=FULL` stays: an acknowledged
 * action is on disk, the disk is just synced once per batch.
 *
 * Order of a batch: BEGIN IMMEDIATE → each action in a savepoint (what it
 * announces held by the port, dropped if its savepoint rolls back) → COMMIT
 * → the held events, in order → the acks. If the COMMIT fails, every action
 * of the batch is answered with the error and none of their events is sent:
 * none of them was acknowledged or announced, so none is lost or contradicted.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  /** The batch being written, if any: a shutdown waits for it. */
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly port: DbPort) {}

  /**
   * One action in its savepoint. On PostgreSQL an action can be chosen as a
   * deadlock's victim (a moderator's transaction took the same rows in
   * another order): its savepoint is rolled back, which frees what it
   * locked, and it runs again. A conflict that outlasts the retries is
   * answered as RetriesExhausted (the transport says SERVER_BUSY).
   */
  private async action(p: Pending): Promise<{ err?: unknown; data?: unknown }> {
    try {
      return { data: await retrying(this.port, () => this.port.step(p.run)) };
    } catch (err) {
      return { err };
    }
  }

  /** Runs `run` in the next batch; `done` gets its result once the batch is committed. */
  submit(run: () => unknown, done: (err: unknown, data?: unknown) => void): void {
    this.queue.push({ run, done });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  /** The same as a promise: resolves with `run`'s result once it is on disk. */
  run<T>(run: () => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.submit(run, (err, data) => (err === undefined ? resolve(data as T) : reject(err)));
    });
  }

  /** Commits what is queued now (also used at shutdown); resolves once it and any batch before it are answered. */
  flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return this.writing;
    this.writing = this.write(batch);
    return this.writing;
  }

  private async write(batch: Pending[]): Promise<void> {
    const results: { err?: unknown; data?: unknown }[] = new Array(batch.length);
    try {
      // The whole batch undone (its events with it): on PostgreSQL a COMMIT
      // that could not be serialised is simply tried again.
      await retrying(this.port, () =>
        this.port.tx(async () => {
          for (let i = 0; i < batch.length; i++) results[i] = await this.action(batch[i]!);
        }),
      );
    } catch (err) {
      for (let i = 0; i < batch.length; i++) results[i] = { err };
    }
    for (let i = 0; i < batch.length; i++) {
      try {
        batch[i]!.done(results[i]!.err, results[i]!.data);
      } catch {
        // One failing ack (a socket gone mid-flight) must not cost the others theirs.
      }
    }
  }
}
