import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { BanResult, PersonalDataOverview, PersonalDataSummary } from '../../../shared/schemas/personal-data';
import { BanBody, IdParams } from '../../../shared/schemas/requests';
import { bearer, errors } from '../schemas';

/** What moderators and the secretariat do to one participant: ban, erase personal data. */
export const participantRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['participants'];
  const { participants } = app.services;

  app.post(
    '/participants/:id/ban',
    {
      schema: {
        tags,
        security: bearer,
        summary:
          'Ban a participant (moderator or admin of its session): its token and sockets stop working, its pending questions are rejected, its votes stop counting and every tally follows',
        params: IdParams,
        body: BanBody,
        response: { 200: BanResult, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => await participants.ban(req.actor, req.params.id, req.body.reason),
  );

  app.delete(
    '/participants/:id/personal-data',
    {
      schema: {
        tags,
        security: bearer,
        summary:
          "Erase a participant's personal data on request (secretary or admin of its session): name, locality, group and contact (with its consent time); its questions stay, as anonymous ones",
        params: IdParams,
        response: { 204: Type.Null(), ...errors(401, 403, 404) },
      },
    },
    async (req, reply) => {
      await participants.erasePersonalData(req.actor, req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/sessions/:id/personal-data',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'What a session keeps about its participants and until when (secretary or admin of the session)',
        params: IdParams,
        response: { 200: PersonalDataSummary, ...errors(401, 403, 404) },
      },
    },
    async (req) => await participants.personalDataSummary(req.actor, req.params.id),
  );

  app.get(
    '/admin/personal-data',
    {
      schema: {
        tags: ['admin'],
        security: bearer,
        summary: 'What is kept, for how long: every session, and how long backups are kept (admin)',
        response: { 200: PersonalDataOverview, ...errors(401, 403) },
      },
    },
    async (req) => await participants.personalDataOverview(req.actor, app.config.backupKeepDays),
  );
};
