import type Database from 'better-sqlite3';

interface Pending {
  run: () => unknown;
  done: (err: unknown, data?: unknown) => void;
}

/**
 * Group commit for the actions people fire in storms (votes and questions on
 * sockets, joins over HTTP when a hall scans the QR code at once). Actions
 * that arrive in the same turn of the event loop run in one SQLite
 * transaction, each inside its own savepoint (a failing action
 * undoes only its own writes), and every ack goes out after the one COMMIT.
 * `synchronous=FULL` stays: an acknowledged action is on disk, the disk is
 * just synced once per batch instead of once per action.
 *
 * If the COMMIT itself fails, every action of the batch is answered with the
 * error: none of them was acknowledged, so none is lost.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(private readonly sqlite: Database.Database) {}

  /** Runs `run` in the next batch; `done` gets its result once the batch is committed. */
  submit(run: () => unknown, done: (err: unknown, data?: unknown) => void): void {
    this.queue.push({ run, done });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** The same as a promise: resolves with `run`'s result once it is on disk. */
  run<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.submit(run, (err, data) => (err === undefined ? resolve(data as T) : reject(err)));
    });
  }

  /** Commits what is queued now (also used at shutdown). */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const results: { err?: unknown; data?: unknown }[] = new Array(batch.length);
    try {
      this.sqlite
        .transaction(() => {
          for (let i = 0; i < batch.length; i++) {
            try {
              // Nested: a savepoint, rolled back alone if this action throws.
              results[i] = { data: this.sqlite.transaction(batch[i]!.run)() };
            } catch (err) {
              results[i] = { err };
            }
          }
        })
        .immediate();
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
