import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

const Health = Type.Object({
  ok: Type.Boolean(),
  /** Which node answered: behind a load balancer, the one to look at. */
  node: Type.String(),
  /** The database engine behind this node. */
  database: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]),
  /** Cluster mode only: whether this node reaches Redis now. */
  redis: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('down')])),
});

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.services.port.dialect === 'pg' ? ('postgres' as const) : ('sqlite' as const);
  app.get('/health', { schema: { tags: ['system'], response: { 200: Health } } }, async () => {
    const base = { node: app.config.nodeId, database: db };
    if (!app.cluster) return { ok: true, ...base };
    const redis = await app.cluster.redisState();
    return { ok: redis === 'ok', ...base, redis };
  });
};
