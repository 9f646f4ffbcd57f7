import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { sqliteOf } from '../../db/port';
import { BackupService } from '../../domain/backup/backup.service';
import { bearer, errors } from '../schemas';

const BackupFile = Type.Object({ file: Type.String(), bytes: Type.Integer(), createdAt: Type.String() });

export const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['admin'];
  const backups = new BackupService(sqliteOf(app.services.port), app.config.dataDir, app.services.port, { keepDays: app.config.backupKeepDays });

  app.post(
    '/admin/backups',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'Make a consistent copy of the live database (SQLite online backup) in DATA_DIR/backups (admin)',
        response: { 201: BackupFile, ...errors(401, 403, 429) },
      },
      // A copy reads the whole database: a few dozen per minute is plenty.
      config: { rateLimit: { max: 20, timeWindow: 60_000 } },
    },
    async (req, reply) => reply.status(201).send(await backups.create(req.actor)),
  );

  app.get(
    '/admin/backups',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'The backups in DATA_DIR/backups, newest first (admin)',
        response: { 200: Type.Array(BackupFile), ...errors(401, 403) },
      },
    },
    async (req) => await backups.list(req.actor),
  );
};
