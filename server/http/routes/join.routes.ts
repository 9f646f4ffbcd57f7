import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { JoinPreview, ParticipantView, Session } from '../../../shared/schemas/entities';
import { JoinBody } from '../../../shared/schemas/requests';
import { DomainError } from '../../domain/errors';
import { SlidingWindowLimiter } from '../../domain/rate-limiter';
import { errors } from '../schemas';

export const joinRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Joins per address: a whole hall behind the venue's NAT passes (600 a
  // minute by default), a script making thousands of participants does not.
  const perAddress = new SlidingWindowLimiter(app.config.rateLimit.joinsPerIpPerMinute);
  app.get(
    '/join/:code',
    {
      schema: {
        tags: ['participants'],
        summary:
          'What a join code opens, before joining (anyone): title, audience, place, start, status, whether it can be joined, whether it has ended (its public record is /public/{sessionId}). 404 SESSION_NOT_FOUND for a wrong code or a draft',
        params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 20 }) }),
        response: { 200: JoinPreview, ...errors(400, 404) },
      },
    },
    async (req) => await app.services.participants.preview(req.params.code),
  );

  app.post(
    '/join',
    {
      schema: {
        tags: ['participants'],
        summary: 'Join a session with its code; returns a participant token bound to that session',
        body: JoinBody,
        response: {
          200: Type.Object({ token: Type.String(), participant: ParticipantView, session: Session }),
          ...errors(400, 404, 409, 429),
        },
      },
    },
    async (req, reply) => {
      const shared = app.services.sharedLimits;
      const taken = shared ? await shared.joinsPerAddress.take(req.ip) : perAddress.take(req.ip);
      if (!taken.ok) {
        void reply.header('retry-after', Math.ceil(taken.retryAfterMs / 1000));
        throw new DomainError('RATE_LIMITED', 'too many joins from this address; please wait a moment');
      }
      const { participant, session } = await app.services.participants.join(req.body);
      return { token: app.tokens.signParticipant(participant.id, session.id), participant, session };
    },
  );
};
