import type { FastifyInstance } from 'fastify';
import { adminRoutes } from './routes/admin.routes';
import { auditRoutes } from './routes/audit.routes';
import { authRoutes } from './routes/auth.routes';
import { conclusionsRoutes } from './routes/conclusions.routes';
import { exportRoutes } from './routes/exports.routes';
import { followUpRoutes } from './routes/followups.routes';
import { healthRoutes } from './routes/health.routes';
import { joinRoutes } from './routes/join.routes';
import { localityRoutes } from './routes/localities.routes';
import { opinionsReportRoutes } from './routes/opinions-report.routes';
import { participantRoutes } from './routes/participants.routes';
import { publicRoutes } from './routes/public.routes';
import { questionRoutes } from './routes/questions.routes';
import { sessionRoutes } from './routes/sessions.routes';
import { settingsRoutes } from './routes/settings.routes';
import { statsRoutes } from './routes/stats.routes';
import { trackRoutes } from './routes/track.routes';
import { userRoutes } from './routes/users.routes';
import { venueRoutes } from './routes/venues.routes';
import { opinionRoutes } from './routes/opinions.routes';

/** Every HTTP route of the API, mounted under /api. */
export async function registerRoutes(app: FastifyInstance): Promise<void> {
  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(userRoutes);
  await app.register(sessionRoutes);
  await app.register(joinRoutes);
  await app.register(questionRoutes);
  await app.register(exportRoutes);
  await app.register(conclusionsRoutes);
  await app.register(followUpRoutes);
  await app.register(trackRoutes);
  await app.register(publicRoutes);
  await app.register(statsRoutes);
  await app.register(adminRoutes);
  await app.register(auditRoutes);
  await app.register(participantRoutes);
  await app.register(settingsRoutes);
  await app.register(venueRoutes);
  await app.register(localityRoutes);
  await app.register(opinionRoutes);
  await app.register(opinionsReportRoutes);
}
