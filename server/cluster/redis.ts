import { createClient } from 'redis';

/**
 * Cluster mode's Redis (REDIS_URL): shared rate limits, leases and, through
 * @socket.io/redis-streams-adapter, the realtime fan-out between nodes.
 */
export type Redis = ReturnType<typeof createClient>;

export async function connectRedis(url: string, onError: (err: unknown) => void = () => undefined): Promise<Redis> {
  const client = createClient({ url });
  // A lost connection is retried by the client; an unhandled 'error' event would crash the node.
  client.on('error', onError);
  await client.connect();
  return client;
}
