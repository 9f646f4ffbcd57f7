import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TrackingParams, TrackResult } from '../../../shared/schemas/secretariat';
import { errors } from '../schemas';

export const trackRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/track/:trackingCode',
    {
      schema: {
        tags: ['public'],
        summary: 'Look a question up by its tracking code (anyone): status, text, published answers, commitments, follow-up. No personal data.',
        params: TrackingParams,
        response: { 200: TrackResult, ...errors(400, 404) },
      },
    },
    async (req, reply) => {
      // Tracking pages change when an answer is published: never cache them.
      reply.header('cache-control', 'no-store');
      return app.services.reports.track(req.params.trackingCode);
    },
  );
};
