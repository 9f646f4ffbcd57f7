import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { User } from '../../../shared/schemas/entities';
import { ChangePasswordBody, LoginBody } from '../../../shared/schemas/requests';
import type { FastifyRequest } from 'fastify';
import { requireStaff } from '../../domain/actor';
import { DomainError } from '../../domain/errors';
import { bearer, errors } from '../schemas';

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /** The device token, if it is one for the account being signed in to. */
  const knownDevice = async (req: FastifyRequest): Promise<{ deviceId: string } | null> => {
    const body = req.body as { username?: unknown; deviceToken?: unknown } | undefined;
    const device = app.tokens.device(typeof body?.deviceToken === 'string' ? body.deviceToken : undefined);
    if (!device || typeof body?.username !== 'string') return null;
    return (await app.services.users.idOf(body.username)) === device.userId ? device : null;
  };

  app.post(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary:
          'Staff login. Returns a device token too: sent back with later logins from this device, it exempts them from the per-address limit (a guesser behind the same NAT cannot lock the account out)',
        body: LoginBody,
        response: { 200: Type.Object({ token: Type.String(), user: User, deviceToken: Type.String() }), ...errors(400, 401, 429, 503) },
      },
      // Brute-force slowdown per account: few attempts per address and
      // username, or per known device and username.
      config: {
        rateLimit: {
          // After body parsing: the key needs the username, which onRequest
          // (the default hook) does not have yet; keyed on the address alone,
          // one guesser would lock out every colleague at the same venue.
          hook: 'preHandler',
          max: app.config.rateLimit.loginAttempts,
          timeWindow: 15 * 60_000,
          keyGenerator: async (req) => {
            const username = String((req.body as { username?: unknown } | undefined)?.username ?? '');
            // A device that signed in to this account before has its own budget: a guesser
            // at the same address using the moderator's username cannot use it up.
            const device = await knownDevice(req);
            return device ? `device:${device.deviceId}|${username}` : `${req.ip}|${username}`;
          },
        },
      },
    },
    async (req, reply) => {
      const device = await knownDevice(req);
      const guard = app.services.loginGuard;
      // Per address, whatever the username, before any hashing.
      await guard.check(req.ip, device !== null);
      try {
        const { user, tokenVersion } = await app.services.users.login(req.body, { from: req.ip, knownDevice: device !== null });
        return { token: app.tokens.signStaff(user.id, tokenVersion), user, deviceToken: app.tokens.signDevice(user.id) };
      } catch (err) {
        if (err instanceof DomainError && err.code === 'SERVER_BUSY') void reply.header('retry-after', 1);
        // A wrong password, and an attempt turned away because the hashing slots were full, both count.
        if (err instanceof DomainError && (err.code === 'INVALID_CREDENTIALS' || err.code === 'SERVER_BUSY')) await guard.failed(req.ip, device !== null);
        throw err;
      }
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: {
        tags: ['auth'],
        security: bearer,
        summary: 'Log out: every token of this user issued before now stops working (on every device)',
        response: { 204: Type.Null(), ...errors(401, 403) },
      },
    },
    async (req, reply) => {
      await app.services.users.logout(req.actor);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/me/password',
    {
      schema: {
        tags: ['auth'],
        security: bearer,
        summary: 'Change one\'s own password; older tokens stop working (log in again with the new one)',
        body: ChangePasswordBody,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 429) },
      },
      config: { rateLimit: { max: app.config.rateLimit.loginAttempts, timeWindow: 15 * 60_000 } },
    },
    async (req, reply) => {
      await app.services.users.changePassword(req.actor, req.body);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/me',
    { schema: { tags: ['auth'], security: bearer, response: { 200: User, ...errors(401, 403) } } },
    async (req) => {
      const staff = requireStaff(req.actor);
      return await app.services.users.get(req.actor, staff.userId);
    },
  );
};
