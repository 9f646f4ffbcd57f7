import type { Config } from '../config';
import type { SharedLimits } from '../domain/rate-limiter';
import type { Redis } from './redis';

/**
 * The rate limits of server/domain/rate-limiter.ts with their state in
 * Redis, so that a person meets the same limit whichever node they reach.
 * Same rules: a token bucket (`perMinute` sustained, `burst` at once) and a
 * sliding window (`limit` a minute). Each decision is one atomic script run
 * on Redis's own clock, so nodes whose clocks differ agree.
 */

// KEYS[1] bucket; ARGV: rate per ms, burst. Returns 1 when a token was taken.
const TAKE_TOKEN = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
tokens = math.min(burst, tokens + (now - at) * rate)
local ok = 0
if tokens >= 1 then tokens = tokens - 1; ok = 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
-- Kept only while it differs from a full bucket.
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate) + 1000)
return ok
`;

// KEYS[1] prefix of the window counters; ARGV: limit, window ms. Returns 0 when allowed, else ms to wait.
const TAKE_WINDOW = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local limit = tonumber(ARGV[1])
local win = tonumber(ARGV[2])
local start = now - (now % win)
local cur = tonumber(redis.call('GET', KEYS[1] .. ':' .. start)) or 0
local prev = tonumber(redis.call('GET', KEYS[1] .. ':' .. (start - win))) or 0
local overlap = 1 - (now - start) / win
if prev * overlap + cur + 1 > limit then return math.max(1000, start + win - now) end
redis.call('INCR', KEYS[1] .. ':' .. start)
redis.call('PEXPIRE', KEYS[1] .. ':' .. start, 2 * win)
return 0
`;

// KEYS[1] bucket; ARGV: rate per ms, burst. Returns 1 when a token is there to take (nothing is taken).
const HAS_TOKEN = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
if not b[1] then return 1 end
local tokens = math.min(tonumber(ARGV[2]), tonumber(b[1]) + (now - tonumber(b[2])) * tonumber(ARGV[1]))
if tokens >= 1 then return 1 end
return 0
`;

export class SharedTokenBucket {
  private readonly ratePerMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly name: string,
    private readonly perMinute: number,
    private readonly burst: number = perMinute,
  ) {
    this.ratePerMs = perMinute / 60_000;
  }

  /** Takes one token or returns false. A limit of 0 disables limiting. */
  async tryTake(key: string | number): Promise<boolean> {
    if (this.perMinute === 0) return true;
    const r = await this.redis.eval(TAKE_TOKEN, { keys: [`ln:rl:${this.name}:${key}`], arguments: [String(this.ratePerMs), String(this.burst)] });
    return r === 1;
  }

  /** True when a token is there to take (nothing is taken). */
  async has(key: string | number): Promise<boolean> {
    if (this.perMinute === 0) return true;
    const r = await this.redis.eval(HAS_TOKEN, { keys: [`ln:rl:${this.name}:${key}`], arguments: [String(this.ratePerMs), String(this.burst)] });
    return r === 1;
  }
}

export class SharedSlidingWindow {
  constructor(
    private readonly redis: Redis,
    private readonly name: string,
    private readonly limit: number,
    private readonly windowMs = 60_000,
  ) {}

  async take(key: string): Promise<{ ok: true } | { ok: false; retryAfterMs: number }> {
    if (this.limit === 0) return { ok: true };
    const r = Number(await this.redis.eval(TAKE_WINDOW, { keys: [`ln:sw:${this.name}:${key}`], arguments: [String(this.limit), String(this.windowMs)] }));
    return r === 0 ? { ok: true } : { ok: false, retryAfterMs: r };
  }
}

/**
 * The cluster's twins of the in-memory limits, same rates and bursts
 * (questions.service.ts, login-guard.ts, join.routes.ts, realtime/plugin.ts).
 */
export function sharedLimits(redis: Redis, prefix: string, rl: Config['rateLimit']): SharedLimits {
  return {
    votes: new SharedTokenBucket(redis, `${prefix}votes`, rl.votesPerMinute, Math.max(30, rl.votesPerMinute / 2)),
    questions: new SharedTokenBucket(redis, `${prefix}questions`, rl.questionsPerMinute, Math.max(3, Math.ceil(rl.questionsPerMinute / 2))),
    loginFailures: new SharedTokenBucket(redis, `${prefix}login-failures`, rl.loginFailuresPerIp / 15, rl.loginFailuresPerIp),
    joinsPerAddress: new SharedSlidingWindow(redis, `${prefix}joins`, rl.joinsPerIpPerMinute),
    snapshotsPerPrincipal: new SharedTokenBucket(redis, `${prefix}snapshots`, 60, 20),
  };
}
