/**
 * `npm run backup`: a consistent copy of the live database, safe to run while
 * the server is serving a session. Uses SQLite's online backup through its own
 * read connection (WAL lets it read while the server writes), writes
 * DATA_DIR/backups/lang-nghe-<timestamp>.db and prints its name and size.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BackupService } from '../server/domain/backup/backup.service';

async function main(): Promise<void> {
  const dataDir = resolve(process.env.DATA_DIR ?? './data');
  const file = join(dataDir, 'lang-nghe.db');
  if (!existsSync(file)) throw new Error(`no database at ${file} (set DATA_DIR)`);
  // Read-only and no migrations: a backup must never change the source.
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  try {
    // BACKUP_KEEP_DAYS (default 30): older copies are deleted, the newest always stays.
    const keepDays = process.env.BACKUP_KEEP_DAYS === undefined || process.env.BACKUP_KEEP_DAYS === '' ? 30 : Number(process.env.BACKUP_KEEP_DAYS);
    const made = await new BackupService(sqlite, dataDir, undefined, { keepDays: Number.isInteger(keepDays) && keepDays >= 0 ? keepDays : 30 }).create(undefined, { pagesPerStep: 'all' });
    const check = new Database(join(dataDir, 'backups', made.file), { readonly: true });
    const integrity = check.pragma('integrity_check', { simple: true });
    check.close();
    if (integrity !== 'ok') throw new Error(`the copy failed its integrity check: ${String(integrity)}`);
    console.log(`backup written: ${join(dataDir, 'backups', made.file)} (${made.bytes} bytes, integrity ok)`);
  } finally {
    sqlite.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
