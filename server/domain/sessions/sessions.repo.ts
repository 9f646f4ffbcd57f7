import { and, asc, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { sessionPanel, sessions } from '../../db/schema';

export type SessionRow = typeof sessions.$inferSelect;
export type NewSessionRow = typeof sessions.$inferInsert;
export type PanelRow = typeof sessionPanel.$inferSelect;

export class SessionsRepo {
  private readonly byIdStmt;
  constructor(private readonly db: Db) {
    this.byIdStmt = db.select().from(sessions).where(eq(sessions.id, sql.placeholder('id'))).prepare();
  }
  byId(id: number): SessionRow | undefined {
    return this.byIdStmt.get({ id });
  }
  /** The reachable session with this code (archived ones give their code back). */
  byActiveCode(code: string): SessionRow | undefined {
    return this.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.code, code), ne(sessions.status, 'archived')))
      .get();
  }
  list(): SessionRow[] {
    return this.db.select().from(sessions).orderBy(desc(sessions.startsAt), desc(sessions.id)).all();
  }
  insert(row: NewSessionRow): SessionRow {
    return this.db.insert(sessions).values(row).returning().get();
  }
  update(id: number, patch: Partial<NewSessionRow>): SessionRow {
    return this.db.update(sessions).set(patch).where(eq(sessions.id, id)).returning().get();
  }
  panelOf(sessionIds: number[]): PanelRow[] {
    if (sessionIds.length === 0) return [];
    return this.db
      .select()
      .from(sessionPanel)
      .where(inArray(sessionPanel.sessionId, sessionIds))
      .orderBy(asc(sessionPanel.sessionId), asc(sessionPanel.position))
      .all();
  }
  replacePanel(sessionId: number, members: Omit<typeof sessionPanel.$inferInsert, 'sessionId' | 'position'>[]): void {
    this.db.delete(sessionPanel).where(eq(sessionPanel.sessionId, sessionId)).run();
    members.forEach((m, position) => this.db.insert(sessionPanel).values({ ...m, sessionId, position }).run());
  }
}
