import type { FastifyInstance } from 'fastify';
import { adminRoutes } from './routes/admin.routes';
import { authRoutes } from './routes/auth.routes';
import { exportRoutes } from './routes/exports.routes';
import { followUpRoutes } from './routes/followups.routes';
import { healthRoutes } from './routes/health.routes';
import { joinRoutes } from './routes/join.routes';
import { publicRoutes } from './routes/public.routes';
import { questionRoutes } from './routes/questions.routes';
import { sessionRoutes } from './routes/sessions.routes';
import { statsRoutes } from './routes/stats.routes';
import { trackRoutes } from './routes/track.routes';
import { userRoutes } from './routes/users.routes';

/** Every HTTP route of the API, mounted under /api. */
export async function registerRoutes(app: FastifyInstance): Promise<void> {
  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(userRoutes);
  await app.register(sessionRoutes);
  await app.register(joinRoutes);
  await app.register(questionRoutes);
  await app.register(exportRoutes);
  await app.register(followUpRoutes);
  await app.register(trackRoutes);
  await app.register(publicRoutes);
  await app.register(statsRoutes);
  await app.register(adminRoutes);
}
