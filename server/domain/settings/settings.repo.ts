import { eq, inArray } from 'drizzle-orm';
import type { DbPort, Prepared } from '../../db/port';

/** Key of the PostgreSQL advisory lock held while the settings are changed. */
const SETTINGS_LOCK = 0x4c4e5354; // "LNST"

/** The row that says the first start's admin and sample session were made (bootstrap.ts). */
const BOOTSTRAP_MARKER = 'bootstrapped_at';

/** Rows of the key/value `settings` table. */
export class SettingsRepo {
  private readonly lockStmt: Prepared<[number], unknown>;
  constructor(private readonly port: DbPort) {
    this.lockStmt = port.prepare({ sqlite: 'SELECT ?', pg: 'SELECT pg_advisory_xact_lock($1)' });
  }

  async read(keys: readonly string[]): Promise<Map<string, string>> {
    const { settings } = this.port.t;
    const rows = await this.port.q
      .select()
      .from(settings)
      .where(inArray(settings.key, [...keys]));
    return new Map(rows.map((r) => [r.key, r.value]));
  }

  /**
   * Inside a transaction, until its end: no other transaction changes the
   * settings (PostgreSQL; SQLite runs one writer at a time), so what it read
   * before writing is what it replaces.
   */
  async lock(): Promise<void> {
    await this.lockStmt.run(SETTINGS_LOCK);
  }

  /** Writes each value; `null` removes the key (back to the environment's default). */
  async write(values: Record<string, string | null>): Promise<void> {
    const { settings } = this.port.t;
    await this.port.tx(async () => {
      for (const [key, value] of Object.entries(values)) {
        if (value === null) await this.port.q.delete(settings).where(eq(settings.key, key));
        else await this.port.q.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } });
      }
    });
  }

  /** Whether the first start already ran: its marker row, not "no users yet", decides. */
  async isBootstrapped(): Promise<boolean> {
    const { settings } = this.port.t;
    return (await this.port.q.select().from(settings).where(eq(settings.key, BOOTSTRAP_MARKER)).limit(1)).length > 0;
  }

  /** Records that the first start ran, with when. */
  async markBootstrapped(at: Date): Promise<void> {
    const { settings } = this.port.t;
    await this.port.tx(async () => {
      await this.port.q.insert(settings).values({ key: BOOTSTRAP_MARKER, value: at.toISOString() });
    });
  }
}
