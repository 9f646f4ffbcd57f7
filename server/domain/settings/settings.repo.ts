import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { portOf } from '../../db/port';
import { settings } from '../../db/schema';

/** Rows of the key/value `settings` table. */
export class SettingsRepo {
  constructor(private readonly db: Db) {}

  async read(keys: readonly string[]): Promise<Map<string, string>> {
    const rows = this.db.select().from(settings).where(inArray(settings.key, [...keys])).all();
    return new Map(rows.map((r) => [r.key, r.value]));
  }

  /** Writes each value; `null` removes the key (back to the environment's default). */
  async write(values: Record<string, string | null>): Promise<void> {
    await portOf(this.db).tx(() => {
      for (const [key, value] of Object.entries(values)) {
        if (value === null) this.db.delete(settings).where(eq(settings.key, key)).run();
        else this.db.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } }).run();
      }
    });
  }
}
