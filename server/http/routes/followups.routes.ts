import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { FollowUpUpdateBody, IdParams } from '../../../shared/schemas/requests';
import { FollowUpItem, FollowUpListQuery } from '../../../shared/schemas/secretariat';
import { bearer, errors } from '../schemas';

export const followUpRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['follow-up'];
  const { followUps } = app.services;

  app.get(
    '/followups',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'Deferred questions awaiting or having a written answer, across sessions, earliest deadline first; filters status, sessionId, agency (part of the name), overdue (staff)',
        querystring: FollowUpListQuery,
        response: { 200: Type.Array(FollowUpItem), ...errors(400, 401, 403) },
      },
    },
    async (req) => await followUps.list(req.actor, req.query),
  );

  app.get(
    '/followups/:id',
    {
      schema: { tags, security: bearer, summary: 'One follow-up (staff)', params: IdParams, response: { 200: FollowUpItem, ...errors(401, 403, 404) } },
    },
    async (req) => await followUps.get(req.actor, req.params.id),
  );

  app.patch(
    '/followups/:id',
    {
      schema: {
        tags,
        security: bearer,
        summary:
          'Change status (assigned ⇄ in_progress → answered; answered needs a recorded written answer), agency or deadline; audited (secretary, admin)',
        params: IdParams,
        body: FollowUpUpdateBody,
        response: { 200: FollowUpItem, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => await followUps.update(req.actor, req.params.id, req.body),
  );

  app.post(
    '/followups/:id/publish',
    {
      schema: {
        tags,
        security: bearer,
        summary:
          'Publish the recorded written answer: the asker sees it in the session and at /track/<code>; the follow-up becomes answered. 409 NO_WRITTEN_ANSWER without one (secretary, admin)',
        params: IdParams,
        response: { 200: FollowUpItem, ...errors(401, 403, 404, 409) },
      },
    },
    async (req) => await followUps.publish(req.actor, req.params.id),
  );
};
