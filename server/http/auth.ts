import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config';
import type { Actor } from '../domain/actor';
import { DomainError } from '../domain/errors';
import type { Services } from '../domain/services';

/** What our tokens carry. `typ` keeps a participant token from passing as staff. */
export type TokenClaims =
  | { typ: 'staff'; sub: string }
  | { typ: 'participant'; sub: string; sid: number };

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
  signStaff(userId: number): string;
  signParticipant(participantId: number, sessionId: number): string;
  /** Verifies a token and resolves who it speaks for. Throws DomainError on any failure. */
  actorFor(token: string): { actor: Actor; expiresAt: number };
}

const ALGORITHM = 'HS256';

/**
 * Staff tokens are re-checked against the user row on every use, so disabling
 * a user or changing a role takes effect at once, not at token expiry.
 */
function resolveActor(services: Services, claims: TokenClaims): Actor {
  if (claims.typ === 'staff') {
    const user = services.users.activeUser(Number(claims.sub));
    if (!user) throw new DomainError('USER_DISABLED', 'this account no longer exists or is disabled');
    return { kind: 'staff', userId: user.id, role: user.role, displayName: user.displayName };
  }
  if (claims.typ === 'participant' && Number.isInteger(claims.sid)) {
    return { kind: 'participant', participantId: Number(claims.sub), sessionId: claims.sid };
  }
  throw new DomainError('TOKEN_INVALID', 'unrecognised token');
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
      signStaff: (userId) => app.jwt.sign({ typ: 'staff', sub: String(userId) }, { expiresIn: opts.config.staffTokenTtl }),
      signParticipant: (participantId, sessionId) =>
        app.jwt.sign(
          { typ: 'participant', sub: String(participantId), sid: sessionId },
          { expiresIn: opts.config.participantTokenTtl },
        ),
      actorFor(token) {
        let claims: TokenClaims & { exp: number };
        try {
          claims = app.jwt.verify<TokenClaims & { exp: number }>(token);
        } catch (err) {
          throw toDomainError(err);
        }
        return { actor: resolveActor(opts.services, claims), expiresAt: claims.exp * 1000 };
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
      req.actor = tokens.actorFor(match[1]!).actor;
    });
  },
  { name: 'auth' },
);
