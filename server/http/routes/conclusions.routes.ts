import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Session } from '../../../shared/schemas/entities';
import { IdParams } from '../../../shared/schemas/requests';
import { Conclusions, ConclusionsBody, MinutesNotesBody } from '../../../shared/schemas/secretariat';
import { bearer, errors } from '../schemas';

/** What the secretariat writes for a session's documents: the conclusions and the minutes' notes. */
export const conclusionsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['exports'];
  const { conclusions, minutesNotes } = app.services;

  app.get(
    '/sessions/:id/conclusions',
    {
      schema: {
        tags,
        security: bearer,
        summary:
          'The conclusion notice as saved (assessment, tasks per body with deadlines, recipients, signing authority), or a draft from the commitments and deferrals while nothing is saved (secretary, admin)',
        params: IdParams,
        response: { 200: Conclusions, ...errors(401, 403, 404) },
      },
    },
    async (req) => await conclusions.get(req.actor, req.params.id),
  );

  app.put(
    '/sessions/:id/conclusions',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'Save the conclusion notice as edited; audited; refused once the session is archived (secretary, admin)',
        params: IdParams,
        body: ConclusionsBody,
        response: { 200: Conclusions, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => await conclusions.save(req.actor, req.params.id, req.body),
  );

  app.patch(
    '/sessions/:id/minutes-notes',
    {
      schema: {
        tags,
        security: bearer,
        summary: "The people in the hall as counted, and the chair's closing remarks, for the minutes; audited (secretary, admin)",
        params: IdParams,
        body: MinutesNotesBody,
        response: { 200: Session, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => await minutesNotes.update(req.actor, req.params.id, req.body),
  );
};
