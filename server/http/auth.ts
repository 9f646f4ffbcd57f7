import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config';
import type { Actor } from '../domain/actor';
import { DomainError } from '../domain/errors';
import type { Services } from '../domain/services';
import type { UserRow } from '../domain/users/users.repo';

/** What our tokens carry. `typ` keeps a participant token from passing as staff. */
export type TokenClaims =
  | { typ: 'staff'; sub: string; ver?: number }
  | { typ: 'participant'; sub: string; sid: number }
  /** Says "this device signed in to account `sub` before": exempts from the per-address login limit, grants nothing. */
  | { typ: 'device'; sub: string; did: string };

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: TokenClaims;
    user: TokenClaims & { exp: number; iat: number };
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
  }
  interface FastifyInstance {
    tokens: TokenService;
  }
}

export interface TokenService {
  signStaff(userId: number, tokenVersion: number): string;
  signParticipant(participantId: number, sessionId: number): string;
  /** A device token for this account (a fresh device id each time). */
  signDevice(userId: number): string;
  /** The account and device a device token speaks for, or null when it is not a valid device token. */
  device(token: string | undefined): { userId: number; deviceId: string } | null;
  /**
   * Verifies a token and resolves who it speaks for. Throws (or rejects
   * with) DomainError on any failure. Synchronous unless a staff account
   * must be read from the database (not in UsersService's memory yet).
   */
  actorFor(token: string): TokenActor | Promise<TokenActor>;
}

export interface TokenActor {
  actor: Actor;
  expiresAt: number;
  tokenVersion?: number;
}

const ALGORITHM = 'HS256';

/**
 * Staff tokens are re-checked against the user row on every use, so disabling
 * a user or changing a role takes effect at once, not at token expiry; and a
 * token older than the user's token version (logout, password change or
 * reset, re-enabling) is refused.
 */
function resolveActor(services: Services, claims: TokenClaims): Actor | Promise<Actor> {
  if (claims.typ === 'staff') {
    const user = services.users.activeUser(Number(claims.sub));
    return user instanceof Promise ? user.then((u) => staffActor(u, claims)) : staffActor(user, claims);
  }
  if (claims.typ === 'participant' && Number.isInteger(claims.sid)) {
    if (services.participants.registry.isBanned(Number(claims.sub))) {
      throw new DomainError('PARTICIPANT_BANNED', 'this participant was removed from the session');
    }
    return { kind: 'participant', participantId: Number(claims.sub), sessionId: claims.sid };
  }
  throw new DomainError('TOKEN_INVALID', 'unrecognised token');
}

function staffActor(user: UserRow | null, claims: { ver?: number }): Actor {
  if (!user) throw new DomainError('USER_DISABLED', 'this account no longer exists or is disabled');
  if ((claims.ver ?? 0) !== user.tokenVersion) throw new DomainError('TOKEN_EXPIRED', 'this sign-in has ended; log in again');
  return { kind: 'staff', userId: user.id, role: user.role, displayName: user.displayName };
}

function toDomainError(err: unknown): DomainError {
  if (err instanceof DomainError) return err;
  const code = (err as { code?: string })?.code ?? '';
  if (code.includes('EXPIRED')) return new DomainError('TOKEN_EXPIRED', 'the token has expired; log in again');
  return new DomainError('TOKEN_INVALID', 'the token is not valid');
}

export const authPlugin = fp(
  async (app: FastifyInstance, opts: { config: Config; services: Services }) => {
    await app.register(fastifyJwt, {
      secret: opts.config.jwtSecret,
      sign: { algorithm: ALGORITHM },
      verify: { algorithms: [ALGORITHM] },
    });

    const tokens: TokenService = {
      signStaff: (userId, tokenVersion) =>
        app.jwt.sign({ typ: 'staff', sub: String(userId), ver: tokenVersion }, { expiresIn: opts.config.staffTokenTtl }),
      signParticipant: (participantId, sessionId) =>
        app.jwt.sign(
          { typ: 'participant', sub: String(participantId), sid: sessionId },
          { expiresIn: opts.config.participantTokenTtl },
        ),
      signDevice: (userId) =>
        app.jwt.sign({ typ: 'device', sub: String(userId), did: randomUUID() }, { expiresIn: '180d' }),
      device(token) {
        if (!token) return null;
        try {
          const claims = app.jwt.verify<TokenClaims>(token);
          return claims.typ === 'device' ? { userId: Number(claims.sub), deviceId: String(claims.did) } : null;
        } catch {
          return null;
        }
      },
      actorFor(token) {
        let claims: TokenClaims & { exp: number };
        try {
          claims = app.jwt.verify<TokenClaims & { exp: number }>(token);
        } catch (err) {
          throw toDomainError(err);
        }
        // A token that never expires is not one we issued: refuse it.
        if (typeof claims.exp !== 'number') throw new DomainError('TOKEN_INVALID', 'the token has no expiry');
        const resolved = (actor: Actor): TokenActor => ({
          actor,
          expiresAt: claims.exp * 1000,
          ...(claims.typ === 'staff' && { tokenVersion: claims.ver ?? 0 }),
        });
        const actor = resolveActor(opts.services, claims);
        return actor instanceof Promise ? actor.then(resolved) : resolved(actor);
      },
    };
    app.decorate('tokens', tokens);
    app.decorateRequest('actor', null as never);

    // Resolve the actor once per request. A request without a token is
    // anonymous; one with a bad token is refused even on public routes, so
    // a client learns at once that its token is stale.
    app.addHook('onRequest', async (req: FastifyRequest) => {
      const header = req.headers.authorization;
      if (!header) {
        req.actor = { kind: 'anonymous' };
        return;
      }
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw new DomainError('TOKEN_INVALID', 'expected "Authorization: Bearer <token>"');
      req.actor = (await tokens.actorFor(match[1]!)).actor;
    });
  },
  { name: 'auth' },
);
