import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { IncomingMessage } from 'node:http';
import { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from '../../shared/events';
import type { Config } from '../config';
import type { Actor } from '../domain/actor';
import { DomainError } from '../domain/errors';
import { RateLimiter } from '../domain/rate-limiter';
import type { Services } from '../domain/services';
import { Broadcaster } from './broadcaster';
import { coalesceWebSocketWrites } from './coalesce';
import { registerHandlers, type AppSocket } from './handlers';
import { rooms } from './rooms';

export type IoServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

declare module 'fastify' {
  interface FastifyInstance {
    io: IoServer;
    broadcaster: Broadcaster;
  }
}

/** Browsers send Origin on the WebSocket upgrade and CORS does not apply: check it here. */
export function originAllowed(req: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // not a browser (native apps, load generators, tests)
  if (allowed.includes('*') || allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

// Longest setTimeout Node takes; longer tokens are re-checked per event anyway.
const MAX_TIMER = 2_147_483_647;

export const realtimePlugin = fp(
  async (app: FastifyInstance, opts: { config: Config; services: Services }) => {
    const { config, services } = opts;
    coalesceWebSocketWrites();
    const io: IoServer = new Server(app.server, {
      path: '/socket.io',
      serveClient: false,
      // Payloads are small JSON; a large frame is an attack, not a question.
      maxHttpBufferSize: 32 * 1024,
      // Deflate would make every broadcast be compressed per socket.
      perMessageDeflate: false,
      httpCompression: false,
      transports: ['websocket', 'polling'],
      connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
      allowRequest: (req, cb) => cb(originAllowed(req, config.allowedOrigins) ? null : 'origin not allowed', originAllowed(req, config.allowedOrigins)),
    });
    const broadcaster = new Broadcaster(io, services);
    const groupCommit = app.groupCommit;
    app.decorate('io', io);
    app.decorate('broadcaster', broadcaster);

    // A socket that sends far more than a person can is cut off; others are unaffected.
    const floodGuard = new RateLimiter(600, 100);

    const actorFromData = (data: SocketData): Actor => {
      if (Date.now() >= data.expiresAt) throw new DomainError('TOKEN_EXPIRED', 'the token has expired');
      if (data.kind === 'participant') return { kind: 'participant', participantId: data.participantId!, sessionId: data.sessionId! };
      const user = services.users.activeUser(data.userId!);
      if (!user) throw new DomainError('USER_DISABLED', 'this account is disabled');
      return { kind: 'staff', userId: user.id, role: user.role, displayName: user.displayName };
    };

    io.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      try {
        if (typeof token !== 'string' || token === '') throw new DomainError('UNAUTHORIZED', 'a token is required');
        const { actor, expiresAt } = app.tokens.actorFor(token);
        if (actor.kind === 'staff') {
          socket.data = { kind: 'staff', userId: actor.userId, role: actor.role, expiresAt };
        } else if (actor.kind === 'participant') {
          socket.data = { kind: 'participant', participantId: actor.participantId, sessionId: actor.sessionId, expiresAt };
        } else {
          throw new DomainError('UNAUTHORIZED');
        }
        next();
      } catch (err) {
        const code = err instanceof DomainError ? err.code : 'UNAUTHORIZED';
        const e = new Error(code) as Error & { data?: unknown };
        e.data = { code };
        next(e);
      }
    });

    io.on('connection', (socket: AppSocket) => {
      const data = socket.data;
      if (data.kind === 'participant') {
        void socket.join([rooms.public(data.sessionId!), rooms.participant(data.participantId!)]);
      } else {
        void socket.join(rooms.user(data.userId!));
      }

      // Every packet: still allowed to speak? (expiry, disabled user, flooding)
      socket.use((_packet, next) => {
        if (!floodGuard.tryTake(socket.id)) {
          socket.disconnect(true);
          return;
        }
        try {
          actorFromData(socket.data);
          next();
        } catch (err) {
          const code = err instanceof DomainError ? err.code : 'UNAUTHORIZED';
          socket.disconnect(true);
          next(Object.assign(new Error(code), { data: { code } }));
        }
      });

      const ttl = data.expiresAt - Date.now();
      const expiry = ttl < MAX_TIMER ? setTimeout(() => socket.disconnect(true), Math.max(0, ttl)) : null;
      socket.on('disconnect', () => {
        if (expiry) clearTimeout(expiry);
      });

      registerHandlers(socket, {
        services,
        broadcaster,
        actorOf: (s) => actorFromData(s.data),
        log: app.log,
        groupCommit,
      });
    });

    // Without this, fastify.close() waits for every connected client. Close
    // the transports rather than disconnecting the sockets: a Socket.IO
    // "disconnect" packet tells clients the server wants them gone for good
    // (they never reconnect), a closed transport tells them to come back,
    // which is what a restart needs.
    app.addHook('preClose', async () => {
      groupCommit.flush(); // acks out before the transports close
      broadcaster.stop();
      io.engine.close();
    });
    app.addHook('onClose', async () => {
      await new Promise<void>((resolve) => io.close(() => resolve()));
    });
  },
  { name: 'realtime' },
);
