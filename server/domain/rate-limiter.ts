import { DomainError } from './errors';

/**
 * Token bucket per key (a participant, a socket): `perMinute` sustained,
 * with a burst of the same size. In memory: limits are per process, which is
 * what a single-node deployment needs.
 */
export class RateLimiter {
  private readonly buckets = new Map<string | number, { tokens: number; at: number }>();
  private readonly ratePerMs: number;
  private sweepAt = 0;

  constructor(
    private readonly perMinute: number,
    private readonly burst: number = perMinute,
  ) {
    this.ratePerMs = perMinute / 60_000;
  }

  /** Takes one token or returns false. A limit of 0 disables limiting. */
  tryTake(key: string | number, now = Date.now()): boolean {
    if (this.perMinute === 0) return true;
    if (now > this.sweepAt) this.sweep(now);
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.burst, at: now };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(this.burst, b.tokens + (now - b.at) * this.ratePerMs);
      b.at = now;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** True when a token is there to take (nothing is taken). */
  has(key: string | number, now = Date.now()): boolean {
    if (this.perMinute === 0) return true;
    const b = this.buckets.get(key);
    if (!b) return true;
    return Math.min(this.burst, b.tokens + (now - b.at) * this.ratePerMs) >= 1;
  }

  take(key: string | number, what = 'requests'): void {
    if (!this.tryTake(key)) throw new DomainError('RATE_LIMITED', `too many ${what}; please wait a moment`);
  }

  /** Full buckets carry no information: drop them so memory follows active users. */
  private sweep(now: number): void {
    this.sweepAt = now + 60_000;
    for (const [key, b] of this.buckets) {
      if (b.tokens + (now - b.at) * this.ratePerMs >= this.burst) this.buckets.delete(key);
    }
  }
}

/**
 * At most `limit` events per key in any minute (a sliding window, estimated
 * from this minute's count and the previous one's, weighted by how much of
 * it still overlaps). Unlike a token bucket it has no refill to ride on: a
 * burst of `limit` passes at once, and a steady flow above `limit` a minute
 * is cut to `limit` a minute. A limit of 0 disables it.
 */
export class SlidingWindowLimiter {
  private readonly windows = new Map<string, { start: number; current: number; previous: number }>();
  private sweepAt = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Counts one event; false (and not counted) when the key is over its limit. Returns ms to wait when refused. */
  take(key: string, now = Date.now()): { ok: true } | { ok: false; retryAfterMs: number } {
    if (this.limit === 0) return { ok: true };
    if (now > this.sweepAt) this.sweep(now);
    const start = now - (now % this.windowMs);
    let w = this.windows.get(key);
    if (!w) this.windows.set(key, (w = { start, current: 0, previous: 0 }));
    if (w.start !== start) {
      w.previous = start - w.start === this.windowMs ? w.current : 0;
      w.current = 0;
      w.start = start;
    }
    const overlap = 1 - (now - start) / this.windowMs;
    if (w.previous * overlap + w.current + 1 > this.limit) {
      return { ok: false, retryAfterMs: Math.max(1000, start + this.windowMs - now) };
    }
    w.current += 1;
    return { ok: true };
  }

  private sweep(now: number): void {
    this.sweepAt = now + this.windowMs;
    for (const [key, w] of this.windows) if (now - w.start >= 2 * this.windowMs) this.windows.delete(key);
  }
}

/**
 * Cluster mode's limits, kept in Redis so that a person meets one budget
 * whichever node they reach (server/cluster/shared-limits.ts), with the same
 * rates as the in-memory ones. They are asked before an action's
 * transaction, never inside it. On one node there are none, and the
 * in-memory limiters stay on the path, synchronous.
 */
export interface SharedLimits {
  votes: SharedBucket;
  questions: SharedBucket;
  /** Failed sign-ins per address (LoginGuard). */
  loginFailures: SharedBucket & { has(key: string): Promise<boolean> };
  /** HTTP joins per address. */
  joinsPerAddress: SharedWindow;
  /** Snapshots (`session:join`) per participant token or staff account. */
  snapshotsPerPrincipal: SharedBucket;
}
export interface SharedBucket {
  tryTake(key: string | number): Promise<boolean>;
}
export interface SharedWindow {
  take(key: string): Promise<{ ok: true } | { ok: false; retryAfterMs: number }>;
}
