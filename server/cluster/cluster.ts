import type { ClusterConfig } from '../config';
import { connectRedis, type Redis } from './redis';

/**
 * What a node shares with the others in cluster mode: one Redis connection
 * (keys and channels under one prefix) and its own name. Absent on a single
 * node, so that nothing on that path ever waits for a network.
 */
export interface ClusterLink {
  readonly nodeId: string;
  /** Put before every key and channel this deployment uses, so deployments (and test runs) sharing one Redis never meet. */
  readonly prefix: string;
  readonly redis: Redis;
  /** Whether Redis answers now (the health check). */
  redisState(): Promise<'ok' | 'down'>;
  close(): Promise<void>;
}

const PING_TIMEOUT_MS = 1000;

export async function openClusterLink(config: ClusterConfig, nodeId: string, onError: (err: unknown) => void): Promise<ClusterLink | null> {
  if (!config.redisUrl) return null;
  const redis = await connectRedis(config.redisUrl, onError);
  let closed = false;
  return {
    nodeId,
    prefix: config.redisPrefix,
    redis,
    async redisState() {
      // While reconnecting the client queues commands: never let a health check wait on that queue.
      if (!redis.isReady) return 'down';
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'down'>((resolve) => (timer = setTimeout(() => resolve('down'), PING_TIMEOUT_MS)));
      try {
        return await Promise.race([redis.ping().then(() => 'ok' as const), timeout]);
      } catch {
        return 'down';
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      // quit() waits for replies still owed; a Redis that is gone would make it wait for ever.
      if (redis.isReady) await redis.close().catch(() => redis.destroy());
      else redis.destroy();
    },
  };
}
