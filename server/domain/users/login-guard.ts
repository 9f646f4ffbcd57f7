import { DomainError } from '../errors';
import { RateLimiter, type SharedLimits } from '../rate-limiter';

/**
 * At most `max` password hashes at once. scrypt runs on libuv's thread pool
 * (4 threads), the same pool that reads static files: a login flood that
 * filled it made the phones' JavaScript take over a minute to load. An
 * attempt that finds every slot taken is answered at once with 503
 * SERVER_BUSY, it never queues. One more slot is kept for logins from a
 * known device (see LoginGuard), so a flood from elsewhere cannot keep the
 * venue's own staff out.
 */
export class HashGate {
  private active = 0;
  constructor(readonly max: number) {}

  async run<T>(knownDevice: boolean, hash: () => Promise<T>): Promise<T> {
    if (this.active >= this.max + (knownDevice ? 1 : 0)) {
      throw new DomainError('SERVER_BUSY', 'too many sign-ins at once; try again in a second');
    }
    this.active++;
    try {
      return await hash();
    } finally {
      this.active--;
    }
  }

  get busy(): number {
    return this.active;
  }
}

/**
 * Failed sign-ins per address, whatever the username: random usernames no
 * longer get around the limit. Only failures count (a wrong password, or an
 * attempt turned away because every hashing slot was taken), so staff signing in at
 * the same venue do not use each other's budget up; and a sign-in from a
 * device that has signed in to that account before (it shows the device
 * token it was given) is not held by the address limit at all, so a guesser
 * on the venue's Wi-Fi, behind the same NAT address as the moderator,
 * cannot lock the moderator out.
 */
export class LoginGuard {
  private readonly failures: RateLimiter;
  /** Cluster mode: the failures are counted in Redis, for every node. */
  private readonly shared: SharedLimits['loginFailures'] | null;
  readonly gate: HashGate;

  constructor(opts: { failuresPerAddress: number; concurrentHashes: number; shared?: SharedLimits['loginFailures'] }) {
    this.shared = opts.shared ?? null;
    // Per 15 minutes, as a bucket: the whole budget at once, then one back every 15 min / budget.
    this.failures = new RateLimiter(opts.failuresPerAddress / 15, opts.failuresPerAddress);
    this.gate = new HashGate(opts.concurrentHashes);
  }

  /** Refuses before any hashing when this address has used its failures up (a promise in cluster mode). */
  check(address: string, knownDevice: boolean): void | Promise<void> {
    if (knownDevice) return;
    if (this.shared) {
      return this.shared.has(address).then((ok) => {
        if (!ok) throw LoginGuard.refused();
      });
    }
    if (!this.failures.has(address)) throw LoginGuard.refused();
  }

  failed(address: string, knownDevice: boolean): void | Promise<void> {
    if (knownDevice) return;
    // Redis away: the answer stays the sign-in's own (a wrong password), not a storage error.
    if (this.shared) return this.shared.tryTake(address).then(
      () => undefined,
      () => undefined,
    );
    this.failures.tryTake(address);
  }

  private static refused(): DomainError {
    return new DomainError('RATE_LIMITED', 'too many failed sign-ins from this address; wait a few minutes');
  }
}
