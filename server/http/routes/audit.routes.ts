import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AuditPage } from '../../../shared/schemas/audit';
import { AuditQuery } from '../../../shared/schemas/requests';
import { bearer, errors } from '../schemas';

export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        security: bearer,
        summary:
          'The audit log, newest first: every staff action and status change with actor, time, before and after; logins too. Admins read all of it, secretaries the sessions assigned to them. Page with `before` = the previous page\'s `nextBefore`.',
        querystring: AuditQuery,
        response: { 200: AuditPage, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => await app.services.audit.list(req.actor, req.query),
  );
};
