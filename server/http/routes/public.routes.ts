import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParams } from '../../../shared/schemas/requests';
import { PublicSessionRecord, PublicSessionSummary } from '../../../shared/schemas/secretariat';
import { errors } from '../schemas';

export const publicRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['public'];
  const { reports } = app.services;

  app.get(
    '/public/sessions',
    {
      schema: {
        tags,
        summary: 'Closed and archived sessions that have a public record (anyone)',
        response: { 200: Type.Array(PublicSessionSummary) },
      },
    },
    async () => await reports.publicSessions(),
  );

  app.get(
    '/public/sessions/:id',
    {
      schema: {
        tags,
        summary:
          'The public record of a closed session (anyone): its public questions with published answers, and counts of rejected (by reason), merged, withdrawn and unmoderated ones. No askers named. 403 SESSION_NOT_PUBLIC before closing.',
        params: IdParams,
        response: { 200: PublicSessionRecord, ...errors(403, 404) },
      },
    },
    async (req) => await reports.publicRecord(req.params.id),
  );
};
