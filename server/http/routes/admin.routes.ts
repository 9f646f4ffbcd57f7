import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DomainError } from '../../domain/errors';
import { requireStaff, type Actor } from '../../domain/actor';
import { bearer, errors } from '../schemas';

const BackupFile = Type.Object({ file: Type.String(), bytes: Type.Integer(), createdAt: Type.String() });

export const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['admin'];
  // The app's one instance; null on PostgreSQL (cluster mode), backed up with pg_dump by whoever runs it (docs/cluster.md).
  const { backups } = app;
  const external = (actor: Actor): never => {
    requireStaff(actor, ['admin']);
    throw new DomainError('BACKUP_EXTERNAL', 'The database is PostgreSQL: back it up with pg_dump (docs/cluster.md)');
  };

  app.post(
    '/admin/backups',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'Make a consistent copy of the live database (SQLite online backup) in DATA_DIR/backups (admin)',
        response: { 201: BackupFile, ...errors(401, 403, 409, 429) },
      },
      // A copy reads the whole database: a few dozen per minute is plenty.
      config: { rateLimit: { max: 20, timeWindow: 60_000 } },
    },
    async (req, reply) => reply.status(201).send(await (backups ?? external(req.actor)).create(req.actor)),
  );

  app.get(
    '/admin/backups',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'The backups in DATA_DIR/backups, newest first (admin)',
        response: { 200: Type.Array(BackupFile), ...errors(401, 403, 409) },
      },
    },
    async (req) => await (backups ?? external(req.actor)).list(req.actor),
  );
};
