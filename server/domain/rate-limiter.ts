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
