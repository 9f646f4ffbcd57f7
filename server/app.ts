import helmet from '@fastify/helmet';
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import { redisRateLimitStore } from './cluster/rate-limit-store';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config';
import type { Db } from './db/client';
import { portOf, sqliteOf, type DbPort } from './db/port';
import type { GroupCommit } from './db/group-commit';
import { openClusterLink, type ClusterLink } from './cluster/cluster';
import { shareNodeCaches } from './cluster/node-caches';
import { sharedLimits } from './cluster/shared-limits';
import { BackupService } from './domain/backup/backup.service';
import { createServices, type Services } from './domain/services';
import { authPlugin } from './http/auth';
import { trustFunction } from './http/client-address';
import { errorResponse, registerErrorHandling } from './http/errors';
import { registerRoutes } from './http/routes';
import { ErrorResponse } from './http/schemas';
import { registerValidation } from './http/validation';
import { realtimePlugin } from './realtime/plugin';

export interface AppOptions {
  config: Config;
  /** The database: an opened SQLite file, or a port (PostgreSQL's in cluster mode, see db/open.ts). */
  db: Db | DbPort;
  logger?: FastifyServerOptions['logger'];
  /** The time the retention sweep and backup pruning go by (tests move it). */
  clock?: () => Date;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
    config: Config;
    /** One COMMIT for the storm actions of an event-loop turn (socket votes and questions, HTTP joins). */
    groupCommit: GroupCommit;
    /** Copies of the SQLite database (admin routes, hourly pruning); null on PostgreSQL, backed up with pg_dump. */
    backups: BackupService | null;
    /** Cluster mode's link to the other nodes (REDIS_URL); null on a single node. */
    cluster: ClusterLink | null;
  }
}

export type App = FastifyInstance;

const IMMUTABLE = 'public, max-age=31536000, immutable';
const NO_CACHE = 'no-cache';

/** Builds the whole application. Never listens: main.ts and the tests do. */
export async function buildApp({ config, db, logger = false, clock = () => new Date() }: AppOptions): Promise<App> {
  const app = Fastify({
    logger,
    bodyLimit: 64 * 1024,
    // The address the trusted proxy saw, never what a client wrote (server/http/client-address.ts).
    trustProxy: trustFunction(config.trustProxy),
    // Fastify's default 'requestIdLogLabel' etc. are fine; close idle keep-alives on shutdown.
    forceCloseConnections: 'idle',
    // Errors Fastify raises before routing (malformed URL, over-long path
    // parameter) get our one error shape too.
    frameworkErrors: (err, _req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
      void (reply as FastifyReply).status(status).send(errorResponse('INVALID_PAYLOAD', err.message));
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const cluster = config.cluster ? await openClusterLink(config.cluster, config.nodeId, (err) => app.log.error({ err }, 'redis')) : null;
  app.decorate('cluster', cluster);
  // Last of all: the realtime layer's adapter still talks through it while it closes.
  if (cluster) app.addHook('onClose', () => cluster.close());

  const port = 'afterCommit' in db ? db : portOf(db);
  const services = createServices(port, config, clock, cluster && sharedLimits(cluster.redis, cluster.prefix, config.rateLimit));
  // No request is served before the bans are known.
  await services.ready;
  app.decorate('services', services);
  app.decorate('config', config);
  // The realtime plugin flushes it on close, right before the transports go.
  app.decorate('groupCommit', services.groupCommit);
  // One instance for the admin routes and the hourly pruning. Backups are the
  // embedded database's; PostgreSQL's are pg_dump's (docs/cluster.md).
  const backups = port.dialect === 'sqlite' ? new BackupService(sqliteOf(port), config.dataDir, port, { keepDays: config.backupKeepDays, clock }) : null;
  app.decorate('backups', backups);
  if (cluster) {
    const unshare = await shareNodeCaches(cluster, services, (err) => app.log.error({ err }, 'cluster caches'));
    app.addHook('onClose', unshare);
  }

  registerValidation(app);
  registerErrorHandling(app);
  app.addSchema(ErrorResponse);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        // A hall's server is often plain http on a LAN address: upgrading
        // would send the phones to an https port nobody listens on.
        upgradeInsecureRequests: null,
      },
    },
    // Same reason: HSTS means nothing over http and would pin a later https host.
    strictTransportSecurity: false,
    // The join page is opened from QR codes on any phone: keep referrers short.
    referrerPolicy: { policy: 'same-origin' },
  });

  await app.register(rateLimit, {
    global: true,
    // Cluster mode: counted in Redis for every node (the sign-in slowdown per account too).
    ...(cluster && { store: redisRateLimitStore(cluster.redis, cluster.prefix), skipOnError: true }),
    max: config.rateLimit.ipPerMinute,
    timeWindow: 60_000,
    // A request whose connection is already gone has no req.ip; the default
    // key generator would throw (and log a 500) for each one.
    keyGenerator: (req) => (req.ip ? normalizeIP(req.ip) : 'unknown'),
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      code: 'RATE_LIMITED',
      message: `too many requests; retry in ${ctx.after}`,
    }),
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Lắng Nghe API',
        description: 'Real-time citizen dialogue platform. Errors are always `{ error: { code, message } }`.',
        version: '0.1.0',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: false });

  await app.register(authPlugin, { config, services });
  await app.register(registerRoutes, { prefix: '/api' });
  await app.register(realtimePlugin, { config, services });

  // Personal data kept no longer than it should be: at start, then hourly,
  // contacts past their session's retention period are erased and backups
  // older than BACKUP_KEEP_DAYS are deleted.
  // Never rejects: a failed sweep is logged and tried again at the next hour.
  const housekeeping = async (): Promise<void> => {
    try {
      const swept = await services.retention.sweep();
      const pruned = backups ? await backups.prune() : [];
      if (swept.sessions.length > 0 || pruned.length > 0) app.log.info({ swept, pruned }, 'personal data housekeeping');
    } catch (err) {
      app.log.error({ err }, 'personal data housekeeping failed');
    }
  };
  let housekeepingTimer: NodeJS.Timeout | undefined;
  /** The sweep under way, if any: the database must not close under it. */
  let sweeping: Promise<void> | undefined;
  const sweep = (): Promise<void> => {
    // An hour is plenty for one sweep; should one still run, the next tick is skipped.
    sweeping ??= housekeeping().finally(() => (sweeping = undefined));
    return sweeping;
  };
  app.addHook('onReady', async () => {
    await sweep();
    housekeepingTimer = setInterval(() => void sweep(), 60 * 60_000);
    housekeepingTimer.unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(housekeepingTimer);
    await sweeping;
    // Every request is answered by now; what socket actions queued last is
    // committed before whoever closed the app closes the database.
    await Promise.all([services.groupCommit.flush(), services.questions.flushVotes()]);
  });

  const clientDir = config.clientDir;
  const hasClient = existsSync(join(clientDir, 'index.html'));
  if (hasClient) {
    await app.register(fastifyStatic, {
      root: clientDir,
      wildcard: false,
      index: false,
      // `npm run build` writes .br and .gz next to each text file.
      preCompressed: true,
      cacheControl: false,
      setHeaders: (reply, file) => {
        // Vite names every asset by its content hash: it never changes. The
        // page itself must be checked on each load to pick up a new build.
        reply.header('cache-control', /[\\/]assets[\\/]/.test(file) ? IMMUTABLE : NO_CACHE);
      },
    });
  }
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (
      path.startsWith('/api/') ||
      path === '/api' ||
      // A chunk of an older build: a 404 lets the client reload, HTML would not parse as a script.
      path.startsWith('/assets/') ||
      (req.method !== 'GET' && req.method !== 'HEAD') ||
      !hasClient
    ) {
      return reply.status(404).send(errorResponse('NOT_FOUND', `no route ${req.method} ${path}`));
    }
    // Client-side routes (/j/CODE, /display/1, ...) all load the single page app.
    return reply.sendFile('index.html');
  });

  return app;
}
