import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ownerOnly = (f: string): void => chmodSync(f, 0o600);
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/sqlite', import.meta.url));

/**
 * Opens (or creates) the database and brings its schema up to date.
 * `synchronous=FULL` because WAL's default (NORMAL) can drop the last
 * acknowledged commits on power loss.
 */
export function openDb(file: string): Db {
  // Owner only (0600): created so before SQLite opens it, and tightened if an
  // older version left it readable by others. SQLite gives the -wal and -shm
  // files the database's own mode; they are tightened too in case they exist.
  if (file !== ':memory:') {
    closeSync(openSync(file, 'a', 0o600));
    ownerOnly(file);
  }
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  if (file !== ':memory:') for (const f of [`${file}-wal`, `${file}-shm`]) if (existsSync(f)) ownerOnly(f);
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  return db;
}
