import type { DbPort } from './port';

/** How many times a transaction PostgreSQL refused for a conflict is run, the first included. */
export const RETRY_ATTEMPTS = 3;

/**
 * A conflict that outlasted the retries: PostgreSQL kept choosing this work
 * as a deadlock's victim, or could not serialise it. Nothing was written;
 * the caller may simply try again. Said in the database's words only: the
 * transport turns it into the stable `SERVER_BUSY` (domainErrorOf in
 * server/domain/errors.ts), so this layer knows no domain error.
 */
export class RetriesExhausted extends Error {
  constructor(cause: unknown) {
    super('a conflicting change kept winning; try again', { cause });
    this.name = 'RetriesExhausted';
  }
}

/**
 * Runs `fn` again while it fails with what `port.isRetryable` calls a
 * conflict (never on SQLite), at most `attempts` times in all. Any other
 * error is thrown at once, as is; a conflict that outlasts the attempts is
 * thrown as RetriesExhausted. `fn` must undo its own writes when it throws
 * (a transaction or a savepoint of the port).
 */
export async function retrying<T>(port: Pick<DbPort, 'isRetryable'>, fn: () => Promise<T>, attempts = RETRY_ATTEMPTS): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!port.isRetryable(err)) throw err;
      if (attempt >= attempts) throw new RetriesExhausted(err);
    }
  }
}
