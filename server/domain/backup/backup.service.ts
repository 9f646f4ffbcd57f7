import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DbPort } from '../../db/port';
import { requireStaff, SYSTEM, type Actor } from '../actor';
import { recordAudit } from '../audit/audit.repo';

export interface BackupFile {
  /** File name inside DATA_DIR/backups (never a path: the API must not leak the layout). */
  file: string;
  bytes: number;
  createdAt: string;
}

const PREFIX = 'lang-nghe-';
const NAME = /^lang-nghe-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z(-\d+)?\.db$/;

/** `2026-11-28T04:05:06.789Z` → `2026-11-28T04-05-06-789Z`: sorts by time and is a valid name everywhere. */
const stamp = (d: Date): string => d.toISOString().replace(/[:.]/g, '-');

/**
 * Consistent copies of the live database with SQLite's online backup API.
 * better-sqlite3 copies page batches between event-loop turns, so requests
 * keep being served while it runs; writes made through the same connection
 * during the copy are carried into it by SQLite itself, so the copy is a
 * snapshot of one moment (the end of the backup), never a torn file.
 */
export class BackupService {
  readonly dir: string;

  private readonly keepDays: number;
  private readonly clock: () => Date;

  constructor(
    private readonly sqlite: Database.Database,
    dataDir: string,
    private readonly port?: DbPort,
    opts: { keepDays?: number; clock?: () => Date } = {},
  ) {
    this.dir = join(dataDir, 'backups');
    this.keepDays = opts.keepDays ?? 0;
    this.clock = opts.clock ?? (() => new Date());
  }

  /**
   * Deletes backups older than `keepDays` (they hold contacts the live
   * database may have erased since); the newest copy always stays. Returns
   * the files deleted. `keepDays` 0 keeps everything.
   */
  prune(now: Date = this.clock()): string[] {
    if (this.keepDays === 0 || !existsSync(this.dir)) return [];
    const limit = now.getTime() - this.keepDays * 24 * 60 * 60_000;
    const files = readdirSync(this.dir).filter((f) => NAME.test(f)).sort().reverse();
    const gone: string[] = [];
    for (const file of files.slice(1)) {
      if (statSync(join(this.dir, file)).mtime.getTime() < limit) {
        rmSync(join(this.dir, file), { force: true });
        gone.push(file);
      }
    }
    return gone;
  }

  /**
   * `pagesPerStep: 'all'` copies in one step (one read transaction): needed
   * when the writer is another process, whose every commit would otherwise
   * restart a stepped copy. In-process, small steps keep the server responsive.
   */
  async create(actor: Actor = SYSTEM, opts: { pagesPerStep?: number | 'all' } = {}): Promise<BackupFile> {
    if (actor !== SYSTEM) requireStaff(actor, ['admin']);
    if (!existsSync(this.dir)) {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      chmodSync(this.dir, 0o700);
    }
    const now = new Date();
    let file = `${PREFIX}${stamp(now)}.db`;
    for (let n = 2; existsSync(join(this.dir, file)); n++) file = `${PREFIX}${stamp(now)}-${n}.db`;
    const target = join(this.dir, file);
    // Written under a temporary name and renamed when complete, so that a
    // listing (or a restore in a hurry) never picks up a half-written copy.
    const partial = `${target}.partial`;
    try {
      // Owner only from the first byte: a copy holds everything the database does.
      closeSync(openSync(partial, 'w', 0o600));
      chmodSync(partial, 0o600);
      const step = opts.pagesPerStep === 'all' ? 0x7fffffff : (opts.pagesPerStep ?? 256);
      await this.sqlite.backup(partial, { progress: () => step });
      // The copy inherits WAL mode; a rollback-journal file is one
      // self-contained file to move around (the server turns WAL back on
      // when it opens a restored copy).
      const copy = new Database(partial);
      try {
        copy.pragma('journal_mode = DELETE');
      } finally {
        copy.close();
      }
      chmodSync(partial, 0o600);
      renameSync(partial, target);
    } catch (err) {
      rmSync(partial, { force: true });
      throw err;
    }
    const result: BackupFile = { file, bytes: statSync(target).size, createdAt: now.toISOString() };
    if (this.port && actor !== SYSTEM) {
      const port = this.port;
      await port.tx(() => recordAudit(port, actor, { action: 'backup.create', entity: 'backup', after: result }));
    }
    this.prune();
    return result;
  }

  list(actor: Actor = SYSTEM): BackupFile[] {
    if (actor !== SYSTEM) requireStaff(actor, ['admin']);
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => NAME.test(f))
      .sort()
      .reverse()
      .map((file) => {
        const st = statSync(join(this.dir, file));
        return { file, bytes: st.size, createdAt: st.mtime.toISOString() };
      });
  }
}
