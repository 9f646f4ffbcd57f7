import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { User } from '../../../shared/schemas/entities';
import { LoginBody } from '../../../shared/schemas/requests';
import { requireStaff } from '../../domain/actor';
import { bearer, errors } from '../schemas';

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Staff login',
        body: LoginBody,
        response: { 200: Type.Object({ token: Type.String(), user: User }), ...errors(400, 401, 429) },
      },
      // Brute-force slowdown: few attempts per address and username.
      config: {
        rateLimit: {
          // After body parsing: the key needs the username, which onRequest
          // (the default hook) does not have yet; keyed on the address alone,
          // one guesser would lock out every colleague at the same venue.
          hook: 'preHandler',
          max: app.config.rateLimit.loginAttempts,
          timeWindow: 15 * 60_000,
          keyGenerator: (req) => `${req.ip}|${String((req.body as { username?: unknown } | undefined)?.username ?? '')}`,
        },
      },
    },
    async (req) => {
      const user = await app.services.users.login(req.body);
      return { token: app.tokens.signStaff(user.id), user };
    },
  );

  app.get(
    '/me',
    { schema: { tags: ['auth'], security: bearer, response: { 200: User, ...errors(401, 403) } } },
    async (req) => {
      const staff = requireStaff(req.actor);
      return app.services.users.get(req.actor, staff.userId);
    },
  );
};
