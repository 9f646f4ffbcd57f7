import helmet from '@fastify/helmet';
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config';
import type { Db } from './db/client';
import { GroupCommit } from './db/group-commit';
import { createServices, type Services } from './domain/services';
import { authPlugin } from './http/auth';
import { errorResponse, registerErrorHandling } from './http/errors';
import { registerRoutes } from './http/routes';
import { ErrorResponse } from './http/schemas';
import { registerValidation } from './http/validation';
import { realtimePlugin } from './realtime/plugin';

export interface AppOptions {
  config: Config;
  db: Db;
  logger?: FastifyServerOptions['logger'];
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
    config: Config;
    /** One COMMIT for the storm actions of an event-loop turn (socket votes and questions, HTTP joins). */
    groupCommit: GroupCommit;
  }
}

export type App = FastifyInstance;

/** Builds the whole application. Never listens: main.ts and the tests do. */
export async function buildApp({ config, db, logger = false }: AppOptions): Promise<App> {
  const app = Fastify({
    logger,
    bodyLimit: 64 * 1024,
    trustProxy: config.trustProxy,
    // Fastify's default 'requestIdLogLabel' etc. are fine; close idle keep-alives on shutdown.
    forceCloseConnections: 'idle',
    // Errors Fastify raises before routing (malformed URL, over-long path
    // parameter) get our one error shape too.
    frameworkErrors: (err, _req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
      void (reply as FastifyReply).status(status).send(errorResponse('INVALID_PAYLOAD', err.message));
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const services = createServices(db, config);
  app.decorate('services', services);
  app.decorate('config', config);
  const groupCommit = new GroupCommit(db.$client);
  // The realtime plugin flushes it on close, right before the transports go.
  app.decorate('groupCommit', groupCommit);

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
      },
    },
    // The join page is opened from QR codes on any phone: keep referrers short.
    referrerPolicy: { policy: 'same-origin' },
  });

  await app.register(rateLimit, {
    global: true,
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

  const clientDir = config.clientDir;
  const hasClient = existsSync(join(clientDir, 'index.html'));
  if (hasClient) {
    await app.register(fastifyStatic, { root: clientDir, wildcard: false, index: false, maxAge: '1h' });
  }
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (path.startsWith('/api/') || path === '/api' || req.method !== 'GET' || !hasClient) {
      return reply.status(404).send(errorResponse('NOT_FOUND', `no route ${req.method} ${path}`));
    }
    // Client-side routes (/j/CODE, /display/1, ...) all load the single page app.
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });

  return app;
}
