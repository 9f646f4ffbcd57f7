import { eq } from 'drizzle-orm';
import type { DbPort } from '../../db/port';
import type { conclusions } from '../../db/schema';

export type ConclusionsRow = typeof conclusions.$inferSelect;
export type ConclusionsWrite = Omit<typeof conclusions.$inferInsert, 'sessionId' | 'createdAt'>;

/** The secretariat's own writing about a session: the conclusion notice, and the minutes' hand-entered notes. */
export class ConclusionsRepo {
  constructor(private readonly port: DbPort) {}

  async get(sessionId: number): Promise<ConclusionsRow | undefined> {
    const { conclusions } = this.port.t;
    return (await this.port.q.select().from(conclusions).where(eq(conclusions.sessionId, sessionId)).limit(1))[0];
  }

  /** One statement: two saves at once (PostgreSQL runs them side by side) both land, the later one last. */
  async upsert(sessionId: number, row: ConclusionsWrite): Promise<ConclusionsRow> {
    const { conclusions } = this.port.t;
    return (
      await this.port.q
        .insert(conclusions)
        .values({ ...row, sessionId })
        .onConflictDoUpdate({ target: conclusions.sessionId, set: row })
        .returning()
    )[0]!;
  }

  async setMinutesNotes(sessionId: number, patch: { attendance?: number | null; closingRemarks?: string | null; updatedAt: string }) {
    const { sessions } = this.port.t;
    return (await this.port.q.update(sessions).set(patch).where(eq(sessions.id, sessionId)).returning())[0]!;
  }
}
