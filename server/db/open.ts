import { join } from 'node:path';
import { openDb, type Db } from './client';
import { openPg } from './pg';
import { PgPort } from './pg-port';
import { portOf, type DbPort } from './port';

export interface OpenedDatabase {
  port: DbPort;
  /** The embedded database (backups, the SQLite-only tools); null on PostgreSQL. */
  sqlite: Db | null;
  close(): Promise<void>;
}

/**
 * The one opener: PostgreSQL when DATABASE_URL is set (cluster mode, several
 * nodes on one database), else the embedded SQLite file in DATA_DIR. Either
 * comes migrated.
 */
export async function openDatabase(options: { databaseUrl: string | null; dataDir: string; sqliteFile?: string; maxConnections?: number }): Promise<OpenedDatabase> {
  if (options.databaseUrl) {
    const pg = await openPg(options.databaseUrl, { maxConnections: options.maxConnections });
    return { port: new PgPort(pg), sqlite: null, close: () => pg.$client.end() };
  }
  const db = openDb(options.sqliteFile ?? join(options.dataDir, 'lang-nghe.db'));
  return {
    port: portOf(db),
    sqlite: db,
    close: async () => {
      db.$client.close();
    },
  };
}
