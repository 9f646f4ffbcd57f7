import type { EnteredOpinionsData } from '../../../shared/schemas/personal-data';
import { eq, inArray, sql } from 'drizzle-orm';
import type { Statement } from 'better-sqlite3';
import { sqliteOf, type DbPort } from '../../db/port';
import { opinions, questions } from '../../db/schema';

export type OpinionRow = typeof opinions.$inferSelect;
export type NewOpinionRow = typeof opinions.$inferInsert;

/** The question statuses that make a question an opinion of the register. */
export const OPINION_QUESTION_STATUSES = ['approved', 'on_stage', 'answered', 'deferred', 'merged'] as const;
const STATUS_LIST = sql.raw(OPINION_QUESTION_STATUSES.map((s) => `'${s}'`).join(', '));

/** A register row with what it reads from its question, participant, field and answers. */
export interface OpinionJoined extends OpinionRow {
  questionNumber: number | null;
  questionStatus: (typeof questions.$inferSelect)['status'] | null;
  questionText: string | null;
  questionTrackingCode: string | null;
  anonymous: number | null;
  participantName: string | null;
  participantLocality: string | null;
  participantLocalityCode: string | null;
  participantGroup: OpinionRow['group'];
  fieldName: string | null;
  /** A live answer or a published written answer exists (session opinions). */
  hasPublicAnswer: number;
}

export interface OpinionFilter {
  /** Received at or after (ISO instant). */
  fromIso?: string;
  /** Received before (ISO instant). */
  toIso?: string;
  unitId?: number;
  sessionId?: number;
  /** 0: not classified. */
  fieldId?: number;
  level?: string;
  /** 'none': no outcome yet. */
  outcome?: string;
  source?: 'session' | 'entered';
  /** The sessions a non-admin may see; entered opinions are always included. null: all. */
  sessionScope?: number[] | null;
  ids?: number[];
}

/** SQL of the opinion made for one question (syncQuestion: every submission reaching approved runs it). */
const SYNC_ONE = {
  insert: `INSERT INTO opinions (unit_id, session_id, question_id, channel, received_at, field_id)
    SELECT s.unit_id, q.session_id, q.id, q.channel, q.created_at, q.field_id
    FROM questions q JOIN sessions s ON s.id = q.session_id
    WHERE q.id = ? AND q.status IN (${OPINION_QUESTION_STATUSES.map((st) => `'${st}'`).join(', ')}) AND s.unit_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM opinions o WHERE o.question_id = q.id)`,
  followUp: `UPDATE opinions SET lead_agency = f.agency, agencies = f.supporting_agencies, deadline = f.deadline
    FROM follow_ups f
    WHERE f.question_id = opinions.question_id AND opinions.question_id = ? AND opinions.lead_agency IS NULL AND opinions.deadline IS NULL`,
  merged: `SELECT o.id AS id, t.id AS target FROM opinions o
    JOIN questions q ON q.id = o.question_id
    JOIN opinions t ON t.question_id = q.merged_into_id
    WHERE q.id = ? AND q.status = 'merged' AND o.repeat_of_id IS NULL`,
  codeTaken: `SELECT 1 AS ok FROM questions WHERE tracking_code = ? UNION ALL SELECT 1 FROM opinions WHERE tracking_code = ? LIMIT 1`,
};

export class OpinionsRepo {
  /** Prepared on first use: submissions run them, most other requests never do. */
  private one?: {
    insert: Statement<[number]>;
    followUp: Statement<[number]>;
    merged: Statement<[number], { id: number; target: number }>;
    codeTaken: Statement<[string, string], { ok: number }>;
  };

  constructor(private readonly port: DbPort) {}

  private get stmts(): NonNullable<OpinionsRepo['one']> {
    const c = sqliteOf(this.port);
    return (this.one ??= {
      insert: c.prepare(SYNC_ONE.insert),
      followUp: c.prepare(SYNC_ONE.followUp),
      merged: c.prepare(SYNC_ONE.merged),
      codeTaken: c.prepare(SYNC_ONE.codeTaken),
    });
  }

  /** What the register keeps about the people of the opinions the secretariat entered (the admin's personal-data view). */
  async enteredPersonalDataCounts(): Promise<EnteredOpinionsData> {
    return sqliteOf(this.port)
      .prepare<[], EnteredOpinionsData>(
        `SELECT count(*) AS opinions,
                count(person_name) + 0 AS withName,
                count(locality) + 0 AS withLocality,
                count(erased_at) + 0 AS erased
         FROM opinions WHERE question_id IS NULL`,
      )
      .get()!;
  }

  async byId(id: number): Promise<OpinionRow | undefined> {
    return this.port.q.select().from(opinions).where(eq(opinions.id, id)).get();
  }
  async byIds(ids: number[]): Promise<OpinionRow[]> {
    if (ids.length === 0) return [];
    return this.port.q.select().from(opinions).where(inArray(opinions.id, ids)).all();
  }
  async byQuestion(questionId: number): Promise<OpinionRow | undefined> {
    return this.port.q.select().from(opinions).where(eq(opinions.questionId, questionId)).get();
  }
  async byTrackingCode(code: string): Promise<OpinionRow | undefined> {
    return this.port.q.select().from(opinions).where(eq(opinions.trackingCode, code)).get();
  }
  /** Taken by a question or an opinion: the two share one space of codes. */
  async trackingCodeTaken(code: string): Promise<boolean> {
    return this.stmts.codeTaken.get(code, code) !== undefined;
  }
  async insert(row: NewOpinionRow): Promise<OpinionRow> {
    return this.port.q.insert(opinions).values(row).returning().get();
  }
  async update(id: number, patch: Partial<NewOpinionRow>): Promise<OpinionRow> {
    return this.port.q.update(opinions).set(patch).where(eq(opinions.id, id)).returning().get();
  }
  /** The question's field, kept in step with its opinion's (call in the same transaction). */
  async setQuestionField(questionId: number, fieldId: number | null, now: string): Promise<void> {
    this.port.q.update(questions).set({ fieldId, updatedAt: now }).where(eq(questions.id, questionId)).run();
  }
  async setFieldOfQuestion(questionId: number, fieldId: number | null, now: string): Promise<void> {
    this.port.q.update(opinions).set({ fieldId, updatedAt: now }).where(eq(opinions.questionId, questionId)).run();
  }

  /** id → repeatOfId of every opinion of a unit that repeats another. */
  async repeatLinks(unitId?: number): Promise<Map<number, number>> {
    const rows = this.port.q.all<{ id: number; r: number }>(sql`
      SELECT ${opinions.id} AS id, ${opinions.repeatOfId} AS r FROM ${opinions}
      WHERE ${opinions.repeatOfId} IS NOT NULL ${unitId === undefined ? sql`` : sql`AND ${opinions.unitId} = ${unitId}`}`);
    return new Map(rows.map((x) => [x.id, x.r]));
  }

  /**
   * Makes the opinion of a question that is approved or later, once, with
   * the unit of its session, its channel, its field and when it was asked;
   * a merged question repeats the opinion of the one it was merged into.
   * Call in the transaction that moved the question (prepared statements:
   * post-moderated submissions run it each). Returns how many were made.
   */
  async syncQuestion(questionId: number): Promise<number> {
    const { insert, followUp, merged } = this.stmts;
    const made = insert.run(questionId).changes;
    followUp.run(questionId);
    const m = merged.get(questionId);
    if (m && !reaches(await this.repeatLinks(), m.target, m.id)) {
      this.port.q.update(opinions).set({ repeatOfId: m.target }).where(eq(opinions.id, m.id)).run();
    }
    return made;
  }

  /** The same for every question (the backfill at start, and when units change). */
  async syncQuestions(): Promise<number> {
    const made = this.port.q.run(sql`
      INSERT INTO opinions (unit_id, session_id, question_id, channel, received_at, field_id)
      SELECT s.unit_id, q.session_id, q.id, q.channel, q.created_at, q.field_id
      FROM questions q JOIN sessions s ON s.id = q.session_id
      WHERE q.status IN (${STATUS_LIST}) AND s.unit_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM opinions o WHERE o.question_id = q.id)`).changes;
    // Deferred to written follow-up: the opinion takes its lead agency, supporting ones and deadline, unless set already.
    this.port.q.run(sql`
      UPDATE opinions SET lead_agency = f.agency, agencies = f.supporting_agencies, deadline = f.deadline
      FROM follow_ups f
      WHERE f.question_id = opinions.question_id AND opinions.lead_agency IS NULL AND opinions.deadline IS NULL`);
    // Merged: the opinion repeats the target's (when it has one and no loop would form).
    const merged = this.port.q.all<{ id: number; target: number }>(sql`
      SELECT o.id AS id, t.id AS target FROM opinions o
      JOIN questions q ON q.id = o.question_id
      JOIN opinions t ON t.question_id = q.merged_into_id
      WHERE q.status = 'merged' AND o.repeat_of_id IS NULL`);
    if (merged.length > 0) {
      const links = await this.repeatLinks();
      for (const m of merged) {
        if (!reaches(links, m.target, m.id)) {
          this.port.q.update(opinions).set({ repeatOfId: m.target }).where(eq(opinions.id, m.id)).run();
          links.set(m.id, m.target);
        }
      }
    }
    return made;
  }

  /** The register's rows, newest first, with what they read from their question. */
  async list(f: OpinionFilter): Promise<OpinionJoined[]> {
    const where = [sql`1 = 1`];
    if (f.fromIso) where.push(sql`o.received_at >= ${f.fromIso}`);
    if (f.toIso) where.push(sql`o.received_at < ${f.toIso}`);
    if (f.unitId !== undefined) where.push(sql`o.unit_id = ${f.unitId}`);
    if (f.sessionId !== undefined) where.push(sql`o.session_id = ${f.sessionId}`);
    if (f.fieldId !== undefined) where.push(f.fieldId === 0 ? sql`o.field_id IS NULL` : sql`o.field_id = ${f.fieldId}`);
    if (f.level !== undefined) where.push(sql`o.level = ${f.level}`);
    if (f.outcome !== undefined) where.push(f.outcome === 'none' ? sql`o.outcome IS NULL` : sql`o.outcome = ${f.outcome}`);
    if (f.source === 'session') where.push(sql`o.question_id IS NOT NULL`);
    if (f.source === 'entered') where.push(sql`o.question_id IS NULL`);
    if (f.ids) where.push(f.ids.length === 0 ? sql`0 = 1` : sql`o.id IN (${sql.join(f.ids.map((i) => sql`${i}`), sql`, `)})`);
    if (f.sessionScope) {
      const scope = f.sessionScope.length === 0 ? sql`` : sql` OR o.session_id IN (${sql.join(f.sessionScope.map((i) => sql`${i}`), sql`, `)})`;
      where.push(sql`(o.session_id IS NULL${scope})`);
    }
    return this.port.q.all<OpinionJoined>(sql`
      SELECT o.id, o.unit_id AS unitId, o.session_id AS sessionId, o.question_id AS questionId, o.channel,
        o.received_at AS receivedAt, o.text, o.person_name AS personName, o.locality, o.locality_code AS localityCode,
        o."group" AS "group", o.field_id AS fieldId, o.level, o.lead_agency AS leadAgency, o.agencies, o.deadline,
        o.outcome, o.outcome_note AS outcomeNote, o.response_ref AS responseRef, o.repeat_of_id AS repeatOfId,
        o.tracking_code AS trackingCode, o.created_by AS createdBy, o.created_at AS createdAt, o.updated_at AS updatedAt,
        o.erased_at AS erasedAt,
        q.number AS questionNumber, q.status AS questionStatus, q.text AS questionText, q.tracking_code AS questionTrackingCode,
        q.anonymous AS anonymous, p.display_name AS participantName, p.locality AS participantLocality,
        p.locality_code AS participantLocalityCode, p."group" AS participantGroup, f.name AS fieldName,
        CASE WHEN q.id IS NULL THEN 0 ELSE EXISTS (
          SELECT 1 FROM answers a WHERE a.question_id = q.id AND (a.kind = 'live' OR a.published_at IS NOT NULL)
        ) END AS hasPublicAnswer
      FROM opinions o
      LEFT JOIN questions q ON q.id = o.question_id
      LEFT JOIN participants p ON p.id = q.participant_id
      LEFT JOIN fields f ON f.id = o.field_id
      WHERE ${sql.join(where, sql` AND `)}
      ORDER BY o.received_at DESC, o.id DESC`);
  }
}

/** Following repeat links from `from`, is `to` reached (itself included)? */
export function reaches(links: Map<number, number>, from: number, to: number): boolean {
  const seen = new Set<number>();
  for (let at: number | undefined = from; at !== undefined && !seen.has(at); at = links.get(at)) {
    if (at === to) return true;
    seen.add(at);
  }
  return false;
}
