import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from './redis';

// A fixed window per key, counted on Redis's clock: the first hit sets the
// window's expiry, later ones read what is left of it.
const HIT = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  return {current, tonumber(ARGV[1])}
end
return {current, redis.call('PTTL', KEYS[1])}
`;

/**
 * Cluster mode's store for @fastify/rate-limit: the per-address request
 * limit and the per-account sign-in slowdown count on every node at once,
 * not per node (its own Redis store needs ioredis; ours is node-redis).
 * With Redis away the plugin lets requests through (`skipOnError`): a
 * hall must not be locked out by a storage failure.
 */
export function redisRateLimitStore(redis: Redis, prefix: string): FastifyRateLimitStoreCtor {
  class RedisRateLimitStore implements FastifyRateLimitStore {
    private readonly key: string;

    /** The plugin makes the first with its options; routes get children with their own keys. */
    constructor(_options?: FastifyRateLimitOptions, key?: string) {
      this.key = key ?? `${prefix}http-rl:`;
    }

    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      redis.eval(HIT, { keys: [this.key + key], arguments: [String(timeWindow)] }).then(
        (r) => {
          const [current, ttl] = r as [number, number];
          callback(null, { current: Number(current), ttl: Math.max(0, Number(ttl)) });
        },
        (err: Error) => callback(err),
      );
    }

    child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
      // Each route with its own limit counts apart, as the plugin's own stores
      // do (the plugin passes the route as `routeInfo`, which its types omit).
      const route = (routeOptions as unknown as { routeInfo?: { method?: unknown; url?: unknown } }).routeInfo;
      return new RedisRateLimitStore(undefined, `${this.key}${String(route?.method ?? '')}${String(route?.url ?? '')}-`);
    }
  }
  return RedisRateLimitStore;
}
