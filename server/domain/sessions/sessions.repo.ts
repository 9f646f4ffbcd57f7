import { and, asc, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { DbPort } from '../../db/port';
import { DomainError } from '../errors';
import { answers, opinions, questions, sessionPanel, sessionStaff, sessions, users, venues } from '../../db/schema';

export type SessionRow = typeof sessions.$inferSelect;
export type NewSessionRow = typeof sessions.$inferInsert;
export type PanelRow = typeof sessionPanel.$inferSelect;

export class SessionsRepo {
  private readonly byIdStmt;
  constructor(private readonly port: DbPort) {
    this.byIdStmt = port.q.select().from(sessions).where(eq(sessions.id, sql.placeholder('id'))).prepare();
  }
  async byId(id: number): Promise<SessionRow | undefined> {
    return this.byIdStmt.get({ id });
  }
  /** The reachable session with this code (archived ones give their code back). */
  async byActiveCode(code: string): Promise<SessionRow | undefined> {
    return this.port.q
      .select()
      .from(sessions)
      .where(and(eq(sessions.code, code), ne(sessions.status, 'archived')))
      .get();
  }
  /** A question left on stage at closing goes back to approved; returns the ids moved. */
  async returnStagedToQueue(sessionId: number, now: string): Promise<number[]> {
    return this.port.q
      .update(questions)
      .set({ status: 'approved', updatedAt: now })
      .where(and(eq(questions.sessionId, sessionId), eq(questions.status, 'on_stage')))
      .returning({ id: questions.id })
      .all()
      .map((r) => r.id);
  }
  /** Any status, archived included (the join page points an ended session to its record). */
  async byCode(code: string): Promise<SessionRow | undefined> {
    return this.port.q.select().from(sessions).where(eq(sessions.code, code)).orderBy(desc(sessions.id)).get();
  }
  async list(): Promise<SessionRow[]> {
    return this.port.q.select().from(sessions).orderBy(desc(sessions.startsAt), desc(sessions.id)).all();
  }
  async insert(row: NewSessionRow): Promise<SessionRow> {
    return this.port.q.insert(sessions).values(row).returning().get();
  }
  async update(id: number, patch: Partial<NewSessionRow>): Promise<SessionRow> {
    return this.port.q.update(sessions).set(patch).where(eq(sessions.id, id)).returning().get();
  }
  /** A session moved to another unit takes its opinions along. */
  async moveOpinionsToUnit(sessionId: number, unitId: number, now: string): Promise<void> {
    this.port.q.update(opinions).set({ unitId, updatedAt: now }).where(eq(opinions.sessionId, sessionId)).run();
  }
  async panelOf(sessionIds: number[]): Promise<PanelRow[]> {
    if (sessionIds.length === 0) return [];
    return this.port.q
      .select()
      .from(sessionPanel)
      .where(inArray(sessionPanel.sessionId, sessionIds))
      .orderBy(asc(sessionPanel.sessionId), asc(sessionPanel.position))
      .all();
  }
  /**
   * Replaces the panel, keeping the rows (and so the answers attributed to
   * them) of members sent back with their `id`. A member who answered cannot
   * be dropped: the record names them.
   */
  async replacePanel(sessionId: number, members: (Omit<typeof sessionPanel.$inferInsert, 'sessionId' | 'position'> & { id?: number })[]): Promise<void> {
    const existing = new Set((await this.panelOf([sessionId])).map((p) => p.id));
    const kept = new Set(members.flatMap((m) => (m.id !== undefined && existing.has(m.id) ? [m.id] : [])));
    const dropped = [...existing].filter((id) => !kept.has(id));
    if (dropped.length > 0) {
      const used = this.port.q.select({ id: answers.id }).from(answers).where(inArray(answers.panelSeatId, dropped)).limit(1).get();
      if (used) throw new DomainError('PANEL_SEAT_IN_USE', 'a panel member who answered cannot be removed');
      this.port.q.delete(sessionPanel).where(inArray(sessionPanel.id, dropped)).run();
    }
    members.forEach(({ id, ...m }, position) => {
      if (id !== undefined && kept.has(id)) {
        this.port.q.update(sessionPanel).set({ ...m, position }).where(eq(sessionPanel.id, id)).run();
      } else {
        this.port.q.insert(sessionPanel).values({ ...m, sessionId, position }).run();
      }
    });
  }

  // ---- staff scope -----------------------------------------------------------

  /** Assigned to the session, or (a leader) seated on its panel. */
  async isStaffOf(sessionId: number, userId: number): Promise<boolean> {
    const row = this.port.q.get<{ ok: number }>(sql`
      SELECT 1 AS ok FROM ${sessionStaff} WHERE ${sessionStaff.sessionId} = ${sessionId} AND ${sessionStaff.userId} = ${userId}
      UNION ALL
      SELECT 1 FROM ${sessionPanel} WHERE ${sessionPanel.sessionId} = ${sessionId} AND ${sessionPanel.userId} = ${userId}
      LIMIT 1`);
    return row !== undefined;
  }

  /** Every session the user is assigned to or seated on. */
  async sessionIdsOf(userId: number): Promise<number[]> {
    const rows = this.port.q.all<{ id: number }>(sql`
      SELECT ${sessionStaff.sessionId} AS id FROM ${sessionStaff} WHERE ${sessionStaff.userId} = ${userId}
      UNION
      SELECT ${sessionPanel.sessionId} FROM ${sessionPanel} WHERE ${sessionPanel.userId} = ${userId}`);
    return rows.map((r) => r.id);
  }

  async staffOf(sessionId: number): Promise<(typeof users.$inferSelect)[]> {
    return this.port.q
      .select({ u: users })
      .from(sessionStaff)
      .innerJoin(users, eq(users.id, sessionStaff.userId))
      .where(eq(sessionStaff.sessionId, sessionId))
      .orderBy(asc(users.displayName), asc(users.id))
      .all()
      .map((r) => r.u);
  }

  async existingUserIds(ids: number[]): Promise<number[]> {
    if (ids.length === 0) return [];
    return this.port.q.select({ id: users.id }).from(users).where(inArray(users.id, ids)).all().map((r) => r.id);
  }

  async replaceStaff(sessionId: number, userIds: number[], venueOf: Map<number, number> = new Map()): Promise<void> {
    this.port.q.delete(sessionStaff).where(eq(sessionStaff.sessionId, sessionId)).run();
    for (const userId of userIds) this.port.q.insert(sessionStaff).values({ sessionId, userId, venueId: venueOf.get(userId) ?? null }).run();
  }

  /** The venue a staff member is limited to in this session; null: the whole session (or not assigned). */
  async venueScopeOf(sessionId: number, userId: number): Promise<number | null> {
    const row = this.port.q
      .select({ venueId: sessionStaff.venueId })
      .from(sessionStaff)
      .where(and(eq(sessionStaff.sessionId, sessionId), eq(sessionStaff.userId, userId)))
      .get();
    return row?.venueId ?? null;
  }

  async venueScopes(sessionId: number): Promise<{ userId: number; venueId: number }[]> {
    return this.port.q
      .select({ userId: sessionStaff.userId, venueId: sessionStaff.venueId })
      .from(sessionStaff)
      .where(eq(sessionStaff.sessionId, sessionId))
      .all()
      .flatMap((r) => (r.venueId === null ? [] : [{ userId: r.userId, venueId: r.venueId }]));
  }

  /** Ids of this session's venues. */
  /**
   * The staff of a session as the audit log keeps them: names as they are
   * now (an id alone says nothing to the reader, and a name may change
   * later), each venue moderator with the venue's name.
   */
  async staffForAudit(sessionId: number): Promise<{ staff: string[]; venues: string[] }> {
    const rows = this.port.q
      .select({ name: users.displayName, username: users.username, venue: venues.name })
      .from(sessionStaff)
      .innerJoin(users, eq(users.id, sessionStaff.userId))
      .leftJoin(venues, eq(venues.id, sessionStaff.venueId))
      .where(eq(sessionStaff.sessionId, sessionId))
      .orderBy(asc(users.displayName), asc(users.id))
      .all();
    const label = (r: { name: string; username: string }) => `${r.name} (${r.username})`;
    return { staff: rows.map(label), venues: rows.flatMap((r) => (r.venue === null ? [] : [`${label(r)} → ${r.venue}`])) };
  }

  async venueIdsOf(sessionId: number): Promise<number[]> {
    return this.port.q.select({ id: venues.id }).from(venues).where(eq(venues.sessionId, sessionId)).all().map((r) => r.id);
  }

  /** Any code phones can still type: a reachable session's, or a venue's. */
  async codeInUse(code: string): Promise<boolean> {
    return (await this.byActiveCode(code)) !== undefined || this.port.q.select({ id: venues.id }).from(venues).where(eq(venues.code, code)).get() !== undefined;
  }
}
