import { eq } from 'drizzle-orm';
import type { DbPort } from '../../db/port';
import { conclusions, sessions } from '../../db/schema';

export type ConclusionsRow = typeof conclusions.$inferSelect;
export type ConclusionsWrite = Omit<typeof conclusions.$inferInsert, 'sessionId' | 'createdAt'>;

/** The secretariat's own writing about a session: the conclusion notice, and the minutes' hand-entered notes. */
export class ConclusionsRepo {
  constructor(private readonly port: DbPort) {}

  async get(sessionId: number): Promise<ConclusionsRow | undefined> {
    return this.port.q.select().from(conclusions).where(eq(conclusions.sessionId, sessionId)).get();
  }

  async upsert(sessionId: number, row: ConclusionsWrite): Promise<ConclusionsRow> {
    return this.port.q
      .insert(conclusions)
      .values({ ...row, sessionId })
      .onConflictDoUpdate({ target: conclusions.sessionId, set: row })
      .returning()
      .get();
  }

  async setMinutesNotes(sessionId: number, patch: { attendance?: number | null; closingRemarks?: string | null; updatedAt: string }) {
    return this.port.q.update(sessions).set(patch).where(eq(sessions.id, sessionId)).returning().get();
  }
}
