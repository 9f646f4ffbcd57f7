import type { Redis } from './redis';

/**
 * A lease in Redis: one node at a time does a job (sending a session's
 * batched tallies), and when its holder stops renewing (it crashed, it was
 * cut off) another node takes over after `ttlMs`. `hold()` tells whether
 * this node holds it now and whether it has only just taken it: a new holder
 * knows nothing of what the old one sent, so it starts with a full tally.
 */

// KEYS[1] lease; ARGV: holder, ttl. 2: taken now, 1: renewed (already ours), 0: someone else's.
const HOLD = `
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]); return 1 end
if cur then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 2
`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export type LeaseState = 'taken' | 'held' | 'elsewhere';

export class Lease {
  constructor(
    private readonly redis: Redis,
    private readonly holder: string,
    private readonly ttlMs: number,
  ) {}

  async hold(name: string): Promise<LeaseState> {
    const r = await this.redis.eval(HOLD, { keys: [`ln:lease:${name}`], arguments: [this.holder, String(this.ttlMs)] });
    return r === 2 ? 'taken' : r === 1 ? 'held' : 'elsewhere';
  }

  /** Gives it up at once (a graceful stop), if this node holds it. */
  async release(name: string): Promise<boolean> {
    return (await this.redis.eval(RELEASE, { keys: [`ln:lease:${name}`], arguments: [this.holder] })) === 1;
  }
}
