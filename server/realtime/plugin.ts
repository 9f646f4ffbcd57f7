import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { IncomingMessage } from 'node:http';
import { Server, type ServerOptions } from 'socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { ClusterLink } from '../cluster/cluster';
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from '../../shared/events';
import type { Config } from '../config';
import type { Actor } from '../domain/actor';
import { DomainError } from '../domain/errors';
import { RateLimiter } from '../domain/rate-limiter';
import type { Services } from '../domain/services';
import { Broadcaster, type ClusterBroadcast } from './broadcaster';
import { ClusterSequencer } from './cluster-sequencer';
import { ClusterTallies } from './cluster-tallies';
import { clientAddress, trustFunction } from '../http/client-address';
import { coalesceWebSocketWrites } from './coalesce';
import { registerHandlers, type AppSocket } from './handlers';
import { rooms } from './rooms';

/**
 * Cluster mode: broadcasts reach every node's sockets through a Redis stream,
 * and a phone that reconnects to another node still recovers the packets it
 * missed (the stream keeps them, the session is a Redis key).
 */
function clusterAdapter(cluster: ClusterLink): Pick<ServerOptions, 'adapter'> {
  return {
    adapter: createAdapter(cluster.redis, {
      streamName: `${cluster.prefix}socket.io`,
      channelPrefix: `${cluster.prefix}socket.io`,
      sessionKeyPrefix: `${cluster.prefix}sio:session:`,
      // Recovery replays from the stream: it must hold the two minutes a phone may be away (a few hundred broadcasts a second at worst).
      maxLen: 100_000,
      // How long a blocked XREAD waits before asking again; delivery does not wait for it, a close does.
      blockTimeInMs: 1000,
      onlyPlaintext: true,
    }) as ServerOptions['adapter'],
  };
}

function clusterBroadcast(cluster: ClusterLink, io: IoServer, onError: (err: unknown) => void): ClusterBroadcast {
  // A holder that stops renewing (crashed, cut off) is replaced after this long: a few missed tallies, not more.
  const leaseTtlMs = Math.max(2000, 10 * TALLY_INTERVAL_MS);
  return { sequencer: new ClusterSequencer(cluster, io), tallies: new ClusterTallies(cluster, leaseTtlMs), onError };
}

/** Tallies (and, with them, the other broadcasts) leave in batches this often. */
const TALLY_INTERVAL_MS = 150;

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
      ...(app.cluster && clusterAdapter(app.cluster)),
    });
    const broadcaster = new Broadcaster(io, services, TALLY_INTERVAL_MS, app.cluster && clusterBroadcast(app.cluster, io, (err) => app.log.error({ err }, 'cluster broadcast')));
    const groupCommit = app.groupCommit;
    app.decorate('io', io);
    app.decorate('broadcaster', broadcaster);

    // A person (participant token or staff account) who sends far more than a
    // person can is cut off; others are unaffected. Keyed by who speaks, not
    // by socket: reconnecting does not buy a fresh budget.
    const floodGuard = new RateLimiter(600, 100);
    // A client asks for a snapshot on connect, on reconnect and on a gap in
    // the sequence: a few a minute. Each is a full copy of the session.
    const joinPerSocket = new RateLimiter(20, 5);
    const joinPerPrincipal = new RateLimiter(60, 20);
    const principal = (data: SocketData): string => (data.kind === 'participant' ? `p:${data.participantId}` : `u:${data.userId}`);

    // Open sockets per participant token (counted from its room) and per address.
    const trust = trustFunction(config.trustProxy);
    const perAddress = new Map<string, number>();
    const addressOf = new WeakMap<object, string>();

    // A participant is checked in memory and synchronously (every vote
    // passes here: no await added to its path); a staff member's account is
    // read from the database.
    const actorFromData = (data: SocketData): Actor | Promise<Actor> => {
      if (Date.now() >= data.expiresAt) throw new DomainError('TOKEN_EXPIRED', 'the token has expired');
      if (data.kind === 'participant') {
        if (services.participants.registry.isBanned(data.participantId!)) {
          throw new DomainError('PARTICIPANT_BANNED', 'this participant was removed from the session');
        }
        return { kind: 'participant', participantId: data.participantId!, sessionId: data.sessionId! };
      }
      return staffFromData(data);
    };
    const staffFromData = async (data: SocketData): Promise<Actor> => {
      const user = await services.users.activeUser(data.userId!);
      if (!user) throw new DomainError('USER_DISABLED', 'this account is disabled');
      // Logout, a password change or reset ended the token this socket was opened with.
      if (user.tokenVersion !== data.tokenVersion) throw new DomainError('TOKEN_EXPIRED', 'this sign-in has ended; log in again');
      return { kind: 'staff', userId: user.id, role: user.role, displayName: user.displayName };
    };

    io.use(async (socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      try {
        if (typeof token !== 'string' || token === '') throw new DomainError('UNAUTHORIZED', 'a token is required');
        const { actor, expiresAt, tokenVersion } = await app.tokens.actorFor(token);
        const address = clientAddress(socket.request, trust);
        if ((perAddress.get(address) ?? 0) >= config.maxSocketsPerIp) {
          throw new DomainError('TOO_MANY_SOCKETS', 'too many connections from this address');
        }
        if (actor.kind === 'participant' && (io.sockets.adapter.rooms.get(rooms.participant(actor.participantId))?.size ?? 0) >= config.maxSocketsPerParticipant) {
          throw new DomainError('TOO_MANY_SOCKETS', `at most ${config.maxSocketsPerParticipant} connections per participant`);
        }
        addressOf.set(socket, address);
        if (actor.kind === 'staff') {
          socket.data = { kind: 'staff', userId: actor.userId, role: actor.role, expiresAt, tokenVersion };
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
      const address = addressOf.get(socket) ?? 'unknown';
      perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
      socket.on('disconnect', () => {
        const n = (perAddress.get(address) ?? 1) - 1;
        if (n <= 0) perAddress.delete(address);
        else perAddress.set(address, n);
      });
      if (data.kind === 'participant') {
        void socket.join([rooms.public(data.sessionId!), rooms.participant(data.participantId!)]);
      } else {
        void socket.join(rooms.user(data.userId!));
      }

      // Every packet: still allowed to speak? (flooding first, in memory; then expiry, ban, disabled user)
      socket.use((_packet, next) => {
        if (!floodGuard.tryTake(principal(socket.data))) {
          socket.disconnect(true);
          return;
        }
        const refuse = (err: unknown): void => {
          const code = err instanceof DomainError ? err.code : 'UNAUTHORIZED';
          socket.disconnect(true);
          next(Object.assign(new Error(code), { data: { code } }));
        };
        try {
          const actor = actorFromData(socket.data);
          // Socket.IO drops a packet whose middleware finishes after its socket disconnected.
          if (actor instanceof Promise) void actor.then(() => next(), refuse);
          else next();
        } catch (err) {
          refuse(err);
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
        joinLimits: { perSocket: joinPerSocket, perPrincipal: joinPerPrincipal, principal: principal(data), shared: services.sharedLimits?.snapshotsPerPrincipal },
      });
    });

    // Without this, fastify.close() waits for every connected client. Close
    // the transports rather than disconnecting the sockets: a Socket.IO
    // "disconnect" packet tells clients the server wants them gone for good
    // (they never reconnect), a closed transport tells them to come back,
    // which is what a restart needs.
    app.addHook('preClose', async () => {
      // Acks out before the transports close.
      await Promise.all([groupCommit.flush(), services.questions.flushVotes()]);
      await broadcaster.stop();
      io.engine.close();
    });
    app.addHook('onClose', async () => {
      await new Promise<void>((resolve) => io.close(() => resolve()));
    });
  },
  { name: 'realtime' },
);
