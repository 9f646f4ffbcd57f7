import { and, asc, desc, eq, getTableColumns, inArray, ne, sql } from 'drizzle-orm';
import type { DbPort, Prepared } from '../../db/port';
import { DomainError } from '../errors';
import type { sessionPanel, sessions, users } from '../../db/schema';

export type SessionRow = typeof sessions.$inferSelect;
export type NewSessionRow = typeof sessions.$inferInsert;
export type PanelRow = typeof sessionPanel.$inferSelect;

/** Key of the PostgreSQL advisory lock held while a join code is chosen and taken (sessions' and venues' codes share one space). */
const JOIN_CODE_LOCK = 0x4c4e4a43; // "LNJC"

export class SessionsRepo {
  private readonly byIdStmt: Prepared<[number], SessionRow>;
  /** Boolean columns: SQLite gives them as 0/1 in raw SQL. */
  private readonly flags: (keyof SessionRow)[];
  private readonly isStaffStmt: Prepared<[number, number, number, number], { ok: number }>;
  private readonly sessionIdsStmt: Prepared<[number, number], { id: number }>;
  private readonly lockStmt: Prepared<[number], { id: number }>;
  private readonly codeLockStmt: Prepared<[number], unknown>;

  constructor(private readonly port: DbPort) {
    // Read on most session actions (every submitted question, every vote check): one prepared statement.
    const columns = Object.entries(getTableColumns(port.t.sessions));
    const list = columns.map(([key, c]) => `"${c.name}" AS "${key}"`).join(', ');
    this.flags = columns.filter(([, c]) => c.dataType === 'boolean').map(([key]) => key as keyof SessionRow);
    this.byIdStmt = port.prepare({ sqlite: `SELECT ${list} FROM sessions WHERE id = ?`, pg: `SELECT ${list} FROM sessions WHERE id = $1` });
    this.isStaffStmt = port.prepare({
      sqlite: `SELECT 1 AS ok FROM session_staff WHERE session_id = ? AND user_id = ?
        UNION ALL
        SELECT 1 FROM session_panel WHERE session_id = ? AND user_id = ?
        LIMIT 1`,
      pg: `SELECT 1 AS ok FROM session_staff WHERE session_id = $1 AND user_id = $2
        UNION ALL
        SELECT 1 FROM session_panel WHERE session_id = $3 AND user_id = $4
        LIMIT 1`,
    });
    this.sessionIdsStmt = port.prepare({
      sqlite: `SELECT session_id AS id FROM session_staff WHERE user_id = ?
        UNION
        SELECT session_id FROM session_panel WHERE user_id = ?`,
      pg: `SELECT session_id AS id FROM session_staff WHERE user_id = $1
        UNION
        SELECT session_id FROM session_panel WHERE user_id = $2`,
    });
    this.lockStmt = port.prepare({
      sqlite: 'SELECT id FROM sessions WHERE id = ?',
      pg: 'SELECT id FROM sessions WHERE id = $1 FOR NO KEY UPDATE',
    });
    this.codeLockStmt = port.prepare({
      sqlite: 'SELECT ?',
      pg: 'SELECT pg_advisory_xact_lock($1)',
    });
  }

  async byId(id: number): Promise<SessionRow | undefined> {
    const row = await this.byIdStmt.get(id);
    if (row) for (const k of this.flags) (row as Record<string, unknown>)[k] = Boolean(row[k]);
    return row;
  }
  /**
   * The session, locked until the end of the transaction on PostgreSQL
   * (SQLite runs one writer at a time): for a change that depends on what it
   * read (a status transition, the staff or panel replaced whole).
   */
  async byIdForUpdate(id: number): Promise<SessionRow | undefined> {
    if (!(await this.lockStmt.get(id))) return undefined;
    return this.byId(id);
  }
  /**
   * Inside a transaction, until its end: no other transaction chooses a join
   * code (PostgreSQL; SQLite runs one writer at a time). Session and venue
   * codes share one space, which no single unique index covers.
   */
  async lockJoinCodes(): Promise<void> {
    await this.codeLockStmt.run(JOIN_CODE_LOCK);
  }
  /** The reachable session with this code (archived ones give their code back). */
  async byActiveCode(code: string): Promise<SessionRow | undefined> {
    const { sessions } = this.port.t;
    return (
      await this.port.q
        .select()
        .from(sessions)
        .where(and(eq(sessions.code, code), ne(sessions.status, 'archived')))
        .limit(1)
    )[0];
  }
  /** A question left on stage at closing goes back to approved; returns the ids moved. */
  async returnStagedToQueue(sessionId: number, now: string): Promise<number[]> {
    const { questions } = this.port.t;
    const rows = await this.port.q
      .update(questions)
      .set({ status: 'approved', updatedAt: now })
      .where(and(eq(questions.sessionId, sessionId), eq(questions.status, 'on_stage')))
      .returning({ id: questions.id });
    return rows.map((r) => r.id);
  }
  /** Any status, archived included (the join page points an ended session to its record). */
  async byCode(code: string): Promise<SessionRow | undefined> {
    const { sessions } = this.port.t;
    return (await this.port.q.select().from(sessions).where(eq(sessions.code, code)).orderBy(desc(sessions.id)).limit(1))[0];
  }
  async list(): Promise<SessionRow[]> {
    const { sessions } = this.port.t;
    return this.port.q.select().from(sessions).orderBy(desc(sessions.startsAt), desc(sessions.id));
  }
  async insert(row: NewSessionRow): Promise<SessionRow> {
    const { sessions } = this.port.t;
    return (await this.port.q.insert(sessions).values(row).returning())[0]!;
  }
  async update(id: number, patch: Partial<NewSessionRow>): Promise<SessionRow> {
    const { sessions } = this.port.t;
    // The version raised here, not only by the trigger: SQLite's RETURNING does not see what an AFTER trigger wrote.
    return (await this.port.q.update(sessions).set({ ...patch, version: sql`${sessions.version} + 1` }).where(eq(sessions.id, id)).returning())[0]!;
  }
  /** A session moved to another unit takes its opinions along. */
  async moveOpinionsToUnit(sessionId: number, unitId: number, now: string): Promise<void> {
    const { opinions } = this.port.t;
    await this.port.q.update(opinions).set({ unitId, updatedAt: now }).where(eq(opinions.sessionId, sessionId));
  }
  async panelOf(sessionIds: number[]): Promise<PanelRow[]> {
    if (sessionIds.length === 0) return [];
    const { sessionPanel } = this.port.t;
    return this.port.q
      .select()
      .from(sessionPanel)
      .where(inArray(sessionPanel.sessionId, sessionIds))
      .orderBy(asc(sessionPanel.sessionId), asc(sessionPanel.position));
  }
  /**
   * Replaces the panel, keeping the rows (and so the answers attributed to
   * them) of members sent back with their `id`. A member who answered cannot
   * be dropped: the record names them. Call with the session locked
   * (byIdForUpdate) or just made.
   */
  async replacePanel(sessionId: number, members: (Omit<typeof sessionPanel.$inferInsert, 'sessionId' | 'position'> & { id?: number })[]): Promise<void> {
    const { answers, sessionPanel } = this.port.t;
    const existing = new Set((await this.panelOf([sessionId])).map((p) => p.id));
    const kept = new Set(members.flatMap((m) => (m.id !== undefined && existing.has(m.id) ? [m.id] : [])));
    const dropped = [...existing].filter((id) => !kept.has(id));
    if (dropped.length > 0) {
      const used = (await this.port.q.select({ id: answers.id }).from(answers).where(inArray(answers.panelSeatId, dropped)).limit(1))[0];
      if (used) throw new DomainError('PANEL_SEAT_IN_USE', 'a panel member who answered cannot be removed');
      await this.port.q.delete(sessionPanel).where(inArray(sessionPanel.id, dropped));
    }
    for (const [position, { id, ...m }] of members.entries()) {
      if (id !== undefined && kept.has(id)) {
        await this.port.q
          .update(sessionPanel)
          .set({ ...m, position })
          .where(eq(sessionPanel.id, id));
      } else {
        await this.port.q.insert(sessionPanel).values({ ...m, sessionId, position });
      }
    }
  }

  // ---- staff scope -----------------------------------------------------------

  /** Assigned to the session, or (a leader) seated on its panel. */
  async isStaffOf(sessionId: number, userId: number): Promise<boolean> {
    return (await this.isStaffStmt.get(sessionId, userId, sessionId, userId)) !== undefined;
  }

  /** Every session the user is assigned to or seated on. */
  async sessionIdsOf(userId: number): Promise<number[]> {
    return (await this.sessionIdsStmt.all(userId, userId)).map((r) => r.id);
  }

  async staffOf(sessionId: number): Promise<(typeof users.$inferSelect)[]> {
    const { sessionStaff, users } = this.port.t;
    const rows = await this.port.q
      .select({ u: users })
      .from(sessionStaff)
      .innerJoin(users, eq(users.id, sessionStaff.userId))
      .where(eq(sessionStaff.sessionId, sessionId))
      .orderBy(asc(users.displayName), asc(users.id));
    return rows.map((r) => r.u);
  }

  async existingUserIds(ids: number[]): Promise<number[]> {
    if (ids.length === 0) return [];
    const { users } = this.port.t;
    return (await this.port.q.select({ id: users.id }).from(users).where(inArray(users.id, ids))).map((r) => r.id);
  }

  /** Call with the session locked (byIdForUpdate): the rows are deleted and inserted again. */
  async replaceStaff(sessionId: number, userIds: number[], venueOf: Map<number, number> = new Map()): Promise<void> {
    const { sessionStaff } = this.port.t;
    await this.port.q.delete(sessionStaff).where(eq(sessionStaff.sessionId, sessionId));
    for (const userId of userIds) await this.port.q.insert(sessionStaff).values({ sessionId, userId, venueId: venueOf.get(userId) ?? null });
  }

  /** The venue a staff member is limited to in this session; null: the whole session (or not assigned). */
  async venueScopeOf(sessionId: number, userId: number): Promise<number | null> {
    const { sessionStaff } = this.port.t;
    const row = (
      await this.port.q
        .select({ venueId: sessionStaff.venueId })
        .from(sessionStaff)
        .where(and(eq(sessionStaff.sessionId, sessionId), eq(sessionStaff.userId, userId)))
        .limit(1)
    )[0];
    return row?.venueId ?? null;
  }

  async venueScopes(sessionId: number): Promise<{ userId: number; venueId: number }[]> {
    const { sessionStaff } = this.port.t;
    const rows = await this.port.q
      .select({ userId: sessionStaff.userId, venueId: sessionStaff.venueId })
      .from(sessionStaff)
      .where(eq(sessionStaff.sessionId, sessionId));
    return rows.flatMap((r) => (r.venueId === null ? [] : [{ userId: r.userId, venueId: r.venueId }]));
  }

  /**
   * The staff of a session as the audit log keeps them: names as they are
   * now (an id alone says nothing to the reader, and a name may change
   * later), each venue moderator with the venue's name.
   */
  async staffForAudit(sessionId: number): Promise<{ staff: string[]; venues: string[] }> {
    const { sessionStaff, users, venues } = this.port.t;
    const rows = await this.port.q
      .select({ name: users.displayName, username: users.username, venue: venues.name })
      .from(sessionStaff)
      .innerJoin(users, eq(users.id, sessionStaff.userId))
      .leftJoin(venues, eq(venues.id, sessionStaff.venueId))
      .where(eq(sessionStaff.sessionId, sessionId))
      .orderBy(asc(users.displayName), asc(users.id));
    const label = (r: { name: string; username: string }) => `${r.name} (${r.username})`;
    return { staff: rows.map(label), venues: rows.flatMap((r) => (r.venue === null ? [] : [`${label(r)} → ${r.venue}`])) };
  }

  /** Ids of this session's venues. */
  async venueIdsOf(sessionId: number): Promise<number[]> {
    const { venues } = this.port.t;
    return (await this.port.q.select({ id: venues.id }).from(venues).where(eq(venues.sessionId, sessionId))).map((r) => r.id);
  }

  /** Any code phones can still type: a reachable session's, or a venue's. */
  async codeInUse(code: string): Promise<boolean> {
    const { venues } = this.port.t;
    return (
      (await this.byActiveCode(code)) !== undefined ||
      (await this.port.q.select({ id: venues.id }).from(venues).where(eq(venues.code, code)).limit(1))[0] !== undefined
    );
  }
}
