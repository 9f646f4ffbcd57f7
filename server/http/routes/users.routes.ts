import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { User } from '../../../shared/schemas/entities';
import { CreateUserBody, IdParams, UpdateUserBody } from '../../../shared/schemas/requests';
import { bearer, errors } from '../schemas';

export const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['users'];
  app.post(
    '/users',
    { schema: { tags, security: bearer, body: CreateUserBody, response: { 201: User, ...errors(400, 401, 403, 409) } } },
    async (req, reply) => reply.status(201).send(await app.services.users.create(req.actor, req.body)),
  );
  app.get(
    '/users',
    { schema: { tags, security: bearer, response: { 200: Type.Array(User), ...errors(401, 403) } } },
    async (req) => await app.services.users.list(req.actor),
  );
  app.patch(
    '/users/:id',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'Edit a staff user: role, title, password, or disable (their open sockets are dropped)',
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: User, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => await app.services.users.update(req.actor, req.params.id, req.body),
  );
};
