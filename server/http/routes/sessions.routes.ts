import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Session, User } from '../../../shared/schemas/entities';
import { CreateSessionBody, IdParams, SessionStaffBody, UpdateSessionBody } from '../../../shared/schemas/requests';
import { bearer, errors } from '../schemas';

export const sessionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['sessions'];
  app.post(
    '/sessions',
    {
      schema: { tags, security: bearer, body: CreateSessionBody, response: { 201: Session, ...errors(400, 401, 403) } },
    },
    async (req, reply) => reply.status(201).send(await app.services.sessions.create(req.actor, req.body)),
  );
  app.get(
    '/sessions',
    { schema: { tags, security: bearer, response: { 200: Type.Array(Session), ...errors(401, 403) } } },
    async (req) => await app.services.sessions.list(req.actor),
  );
  app.get(
    '/sessions/:id',
    { schema: { tags, security: bearer, params: IdParams, response: { 200: Session, ...errors(401, 403, 404) } } },
    async (req) => await app.services.sessions.get(req.actor, req.params.id),
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
    async (req) => await app.services.sessions.update(req.actor, req.params.id, req.body),
  );

  const StaffList = Type.Object({
    staff: Type.Array(User),
    /** Venue moderators: the users limited to one venue's questions. */
    venues: Type.Optional(Type.Array(Type.Object({ userId: Type.Integer(), venueId: Type.Integer() }))),
  });
  app.get(
    '/sessions/:id/staff',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'The staff assigned to a session (admin, assigned staff)',
        params: IdParams,
        response: { 200: StaffList, ...errors(401, 403, 404) },
      },
    },
    async (req) => await app.services.sessions.staff(req.actor, req.params.id),
  );
  app.put(
    '/sessions/:id/staff',
    {
      schema: {
        tags,
        security: bearer,
        summary:
          'Assign the staff of a session (admin), replacing the list. Staff other than admins see and act on only their sessions (a leader also where seated on the panel); anything else is 403 NOT_ASSIGNED. `venues` limits listed users to one venue each (venue moderators).',
        params: IdParams,
        body: SessionStaffBody,
        response: { 200: StaffList, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => await app.services.sessions.setStaff(req.actor, req.params.id, req.body.userIds, req.body.venues),
  );
};
