import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lease } from '../../server/cluster/lease';
import { connectRedis, type Redis } from '../../server/cluster/redis';
import { SharedSlidingWindow, SharedTokenBucket } from '../../server/cluster/shared-limits';

/**
 * Cluster mode's shared limits and leases on a real Redis (TEST_REDIS_URL,
 * set by .ci/run). Two clients stand for two nodes.
 */
const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? '';

describe.skipIf(!TEST_REDIS_URL)('shared limits and leases in Redis', () => {
  let nodeA: Redis;
  let nodeB: Redis;
  // Keys of this run only: parallel runs on one Redis must not meet.
  const run = `t${process.pid}${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    nodeA = await connectRedis(TEST_REDIS_URL);
    nodeB = await connectRedis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    for (const c of [nodeA, nodeB]) {
      if (!c) continue;
      for await (const keys of c.scanIterator({ MATCH: `ln:*${run}*`, COUNT: 500 })) if (keys.length) await c.del(keys);
      c.destroy();
    }
  });

  it('a token bucket is one budget whichever node is asked', async () => {
    const a = new SharedTokenBucket(nodeA, `votes-${run}`, 30, 10);
    const b = new SharedTokenBucket(nodeB, `votes-${run}`, 30, 10);
    const taken = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).tryTake('p:1')));
    expect(taken.filter(Boolean)).toHaveLength(10); // the burst, shared: not 10 per node
    expect(await b.tryTake('p:2')).toBe(true); // another person has their own budget
    // Refills at 30 a minute: one token every two seconds.
    await new Promise((r) => setTimeout(r, 2100));
    expect(await a.tryTake('p:1')).toBe(true);
    expect(await b.tryTake('p:1')).toBe(false);
  });

  it('a sliding window counts across nodes and says how long to wait', async () => {
    const a = new SharedSlidingWindow(nodeA, `login-${run}`, 5);
    const b = new SharedSlidingWindow(nodeB, `login-${run}`, 5);
    const results = [];
    for (let i = 0; i < 8; i++) results.push(await (i % 2 ? a : b).take('10.0.0.1'));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    const refused = results.find((r) => !r.ok) as { ok: false; retryAfterMs: number };
    expect(refused.retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect((await a.take('10.0.0.2')).ok).toBe(true);
  });

  it('a lease has one holder; another node takes it when the holder stops renewing, and knows it is new', async () => {
    const a = new Lease(nodeA, `node-a-${run}`, 1000);
    const b = new Lease(nodeB, `node-b-${run}`, 1000);
    const name = `tally:1:${run}`;
    expect(await a.hold(name)).toBe('taken');
    expect(await b.hold(name)).toBe('elsewhere');
    expect(await a.hold(name)).toBe('held');
    expect(await b.release(name)).toBe(false); // not b's to give up
    expect(await a.hold(name)).toBe('held');
    // a stops renewing (a crash): after the ttl, b takes over and starts fresh.
    await new Promise((r) => setTimeout(r, 1200));
    expect(await b.hold(name)).toBe('taken');
    expect(await a.hold(name)).toBe('elsewhere');
    // A graceful stop hands it over at once.
    expect(await b.release(name)).toBe(true);
    expect(await a.hold(name)).toBe('taken');
  });
});
