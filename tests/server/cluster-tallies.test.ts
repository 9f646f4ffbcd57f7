import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterLink } from '../../server/cluster/cluster';
import { connectRedis, type Redis } from '../../server/cluster/redis';
import { ClusterTallies } from '../../server/realtime/cluster-tallies';

/**
 * Who sends a session's tallies, on a real Redis (TEST_REDIS_URL): two
 * ClusterTallies stand for two nodes' broadcasters, driven round by round.
 */
const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? '';

describe.skipIf(!TEST_REDIS_URL)('tallies by one node at a time', () => {
  const prefix = `t${process.pid}${Math.random().toString(36).slice(2, 8)}:`;
  let redisA: Redis;
  let redisB: Redis;
  const link = (redis: Redis, nodeId: string): ClusterLink => ({ nodeId, prefix, redis, redisState: async () => 'ok', close: async () => undefined });

  beforeAll(async () => {
    redisA = await connectRedis(TEST_REDIS_URL);
    redisB = await connectRedis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    for await (const keys of redisA.scanIterator({ MATCH: `*${prefix}*`, COUNT: 500 })) if (keys.length) await redisA.del(keys);
    redisA.destroy();
    redisB.destroy();
  });

  it('gives one node the votes of both, a full tally to a new holder, and the lease to the other when the holder stops', async () => {
    const a = new ClusterTallies(link(redisA, 'a'), 600);
    const b = new ClusterTallies(link(redisB, 'b'), 600);
    const none = new Map<number, number[]>();

    // Votes on both nodes; a asks first and takes the lease: a full tally (it knows nothing of what was sent before).
    expect(await a.round(new Map([[7, [1, 2]]]))).toEqual([{ sessionId: 7 }]);
    // b's votes are marked, but b sends nothing: a does, with exactly the questions voted on.
    expect(await b.round(new Map([[7, [3]]]))).toEqual([]);
    expect(await a.round(none)).toEqual([{ sessionId: 7, ids: [3] }]);
    expect(await b.round(new Map([[7, [2, 3]]]))).toEqual([]);
    const [due] = await a.round(new Map([[7, [4]]]));
    expect(due!.sessionId).toBe(7);
    expect(due!.ids!.sort()).toEqual([2, 3, 4]);

    // Quiet: one last full tally, then the session is no longer active and nobody sends.
    expect(await a.round(none)).toEqual([{ sessionId: 7 }]);
    expect(await a.round(none)).toEqual([]);
    expect(await b.round(none)).toEqual([]);

    // Votes again, a has stopped (crashed: it never releases): b takes over once the lease runs out, with a full tally.
    expect(await b.round(new Map([[7, [5]]]))).toEqual([]); // a's lease still runs
    await new Promise((r) => setTimeout(r, 700));
    expect(await b.round(none)).toEqual([{ sessionId: 7 }]);
    expect(await b.round(new Map([[7, [6]]]))).toEqual([{ sessionId: 7, ids: [6] }]);

    // A graceful stop hands over at once.
    await b.releaseAll();
    expect(await a.round(new Map([[7, [1]]]))).toEqual([{ sessionId: 7 }]);
  });
});
