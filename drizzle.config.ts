import { defineConfig } from 'drizzle-kit';

// The default, embedded database. PostgreSQL (cluster mode): drizzle.pg.config.ts.
export default defineConfig({
  dialect: 'sqlite',
  schema: './server/db/schema/sqlite.ts',
  out: './migrations/sqlite',
});
