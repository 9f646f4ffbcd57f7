import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ParticipantView, Session } from '../../../shared/schemas/entities';
import { JoinBody } from '../../../shared/schemas/requests';
import { errors } from '../schemas';

export const joinRoutes: FastifyPluginAsyncTypebox = async (app) => {
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
    async (req) => {
      // Batched with other joins (and socket votes) into one fsync'd COMMIT:
      // when a hall scans the QR code at once, joins no longer queue on the disk.
      const { participant, session } = await app.groupCommit.run(() => app.services.participants.join(req.body));
      return { token: app.tokens.signParticipant(participant.id, session.id), participant, session };
    },
  );
};
