import { eq, inArray } from 'drizzle-orm';
import type { DbPort } from '../../db/port';
import { settings } from '../../db/schema';

/** Rows of the key/value `settings` table. */
export class SettingsRepo {
  constructor(private readonly port: DbPort) {}

  async read(keys: readonly string[]): Promise<Map<string, string>> {
    const rows = this.port.q.select().from(settings).where(inArray(settings.key, [...keys])).all();
    return new Map(rows.map((r) => [r.key, r.value]));
  }

  /** Writes each value; `null` removes the key (back to the environment's default). */
  async write(values: Record<string, string | null>): Promise<void> {
    await this.port.tx(() => {
      for (const [key, value] of Object.entries(values)) {
        if (value === null) this.port.q.delete(settings).where(eq(settings.key, key)).run();
        else this.port.q.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } }).run();
      }
    });
  }
}
