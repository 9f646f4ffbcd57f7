import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TrackingParams, TrackResult } from '../../../shared/schemas/secretariat';
import { errors } from '../schemas';

export const trackRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/track/:trackingCode',
    {
      schema: {
        tags: ['public'],
        summary: 'Look a question or an entered opinion up by its tracking code (anyone): status, text, published answers, commitments, follow-up, its outcome in the opinions register and the answering document. No personal data.',
        params: TrackingParams,
        response: { 200: TrackResult, ...errors(400, 404) },
      },
    },
    async (req, reply) => {
      // Tracking pages change when an answer is published: never cache them.
      reply.header('cache-control', 'no-store');
      return await app.services.opinions.track(req.params.trackingCode);
    },
  );
};
