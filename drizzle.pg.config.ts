import { defineConfig } from 'drizzle-kit';

// Cluster mode (DATABASE_URL=postgres://…): the twin of drizzle.config.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/db/schema/pg.ts',
  out: './migrations/pg',
});
