import { and, eq, ne } from 'drizzle-orm';
import type { DbPort, Prepared } from '../../db/port';
import type { conclusions } from '../../db/schema';

export type ConclusionsRow = typeof conclusions.$inferSelect;
export type ConclusionsWrite = Omit<typeof conclusions.$inferInsert, 'sessionId' | 'createdAt'>;

/** The secretariat's own writing about a session: the conclusion notice, and the minutes' hand-entered notes. */
export class ConclusionsRepo {
  private heldStmt?: Prepared<[number], { status: string }>;

  constructor(private readonly port: DbPort) {}

  /**
   * The session's status, its row held (shared) until the end of the
   * transaction on PostgreSQL: a status change waits for this transaction,
   * or is seen by it. SQLite runs one writer at a time.
   */
  async sessionStatusHeld(sessionId: number): Promise<string | undefined> {
    this.heldStmt ??= this.port.prepare<[number], { status: string }>({
      sqlite: 'SELECT status FROM sessions WHERE id = ?',
      pg: 'SELECT status FROM sessions WHERE id = $1 FOR SHARE',
    });
    return (await this.heldStmt.get(sessionId))?.status;
  }

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

  /** Undefined when the session is archived (read-only) by the time of the write: conditional, so an archiving committed meanwhile is seen. */
  async setMinutesNotes(sessionId: number, patch: { attendance?: number | null; closingRemarks?: string | null; updatedAt: string }) {
    const { sessions } = this.port.t;
    return (await this.port.q.update(sessions).set(patch).where(and(eq(sessions.id, sessionId), ne(sessions.status, 'archived'))).returning())[0];
  }
}
