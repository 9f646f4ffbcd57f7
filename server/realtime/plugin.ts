import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from '../../shared/events';
import type { Config } from '../config';
import type { Services } from '../domain/services';

export type IoServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

declare module 'fastify' {
  interface FastifyInstance {
    io: IoServer;
  }
}

export const realtimePlugin = fp(
  async (app: FastifyInstance, _opts: { config: Config; services: Services }) => {
    const io: IoServer = new Server(app.server, { path: '/socket.io', serveClient: false });
    app.decorate('io', io);
    // Without this, fastify.close() waits for every connected client.
    app.addHook('preClose', async () => {
      io.local.disconnectSockets(true);
    });
    app.addHook('onClose', async () => {
      await new Promise<void>((resolve) => io.close(() => resolve()));
    });
  },
  { name: 'realtime' },
);
