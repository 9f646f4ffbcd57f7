import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Session } from '../../../shared/schemas/entities';
import { CreateSessionBody, IdParams, UpdateSessionBody } from '../../../shared/schemas/requests';
import { bearer, errors } from '../schemas';

export const sessionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['sessions'];
  app.post(
    '/sessions',
    {
      schema: { tags, security: bearer, body: CreateSessionBody, response: { 201: Session, ...errors(400, 401, 403) } },
    },
    async (req, reply) => reply.status(201).send(app.services.sessions.create(req.actor, req.body)),
  );
  app.get(
    '/sessions',
    { schema: { tags, security: bearer, response: { 200: Type.Array(Session), ...errors(401, 403) } } },
    async (req) => app.services.sessions.list(req.actor),
  );
  app.get(
    '/sessions/:id',
    { schema: { tags, security: bearer, params: IdParams, response: { 200: Session, ...errors(401, 403, 404) } } },
    async (req) => app.services.sessions.get(req.actor, req.params.id),
  );
  app.patch(
    '/sessions/:id',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'Edit a session, or move it along draft → open → live ⇄ paused → closed → archived',
        params: IdParams,
        body: UpdateSessionBody,
        response: { 200: Session, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => app.services.sessions.update(req.actor, req.params.id, req.body),
  );
};
