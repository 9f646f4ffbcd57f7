import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../../../shared/schemas/requests';
import { SessionStats } from '../../../shared/schemas/secretariat';
import { bearer, errors } from '../schemas';

export const statsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/sessions/:id/stats',
    {
      schema: {
        tags: ['statistics'],
        security: bearer,
        summary:
          'Statistics of a session (staff): questions by status, group, topic and locality; taken up live, deferred, rejected by reason, merged; follow-ups and the median time to a published written answer',
        params: IdParams,
        response: { 200: SessionStats, ...errors(401, 403, 404) },
      },
    },
    async (req) => await app.services.reports.stats(req.actor, req.params.id),
  );
};
