import type { EnteredOpinionsData } from '../../../shared/schemas/personal-data';
import { and, desc, eq, getTableColumns, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { DbPort, DialectSql, Prepared } from '../../db/port';
import type { opinions, questions } from '../../db/schema';
import { lockInTx, REGISTER_LOCKS } from './register-locks';

export type OpinionRow = typeof opinions.$inferSelect;
export type NewOpinionRow = typeof opinions.$inferInsert;

/** The question statuses that make a question an opinion of the register. */
export const OPINION_QUESTION_STATUSES = ['approved', 'on_stage', 'answered', 'deferred', 'merged'] as const;
const STATUS_LIST = OPINION_QUESTION_STATUSES.map((s) => `'${s}'`).join(', ');

/** A register row with what it reads from its question, participant, field and answers. */
export interface OpinionJoined extends OpinionRow {
  questionNumber: number | null;
  questionStatus: (typeof questions.$inferSelect)['status'] | null;
  questionText: string | null;
  questionTrackingCode: string | null;
  /** Boolean from the query builder (0/1 in rows read before issue 13). */
  anonymous: boolean | number | null;
  participantName: string | null;
  participantLocality: string | null;
  participantLocalityCode: string | null;
  participantGroup: OpinionRow['group'];
  fieldName: string | null;
  /** A live answer or a published written answer exists (session opinions). */
  hasPublicAnswer: number | boolean;
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
    WHERE q.id = ? AND q.status IN (${STATUS_LIST}) AND s.unit_id IS NOT NULL
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

/** `?` placeholders numbered for PostgreSQL ($1, $2…), in order. */
const numbered = (text: string): string => {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};

/**
 * The same on PostgreSQL. There two transactions may sync one question side
 * by side (READ COMMITTED: neither sees the other's row in NOT EXISTS); the
 * unique index on question_id then keeps one opinion, the other insert does
 * nothing instead of failing.
 */
const SYNC_ONE_PG = {
  insert: `${numbered(SYNC_ONE.insert)}
    ON CONFLICT (question_id) DO NOTHING`,
  followUp: numbered(SYNC_ONE.followUp),
  // The opinion that will repeat is held first, the repeat-links lock taken after it: rows, then that lock, everywhere.
  merged: `${numbered(SYNC_ONE.merged)}
    FOR NO KEY UPDATE OF o`,
  codeTaken: numbered(SYNC_ONE.codeTaken),
};

/** The same for every question (the backfill at start, and when units change). */
const SYNC_ALL = {
  insert: `INSERT INTO opinions (unit_id, session_id, question_id, channel, received_at, field_id)
      SELECT s.unit_id, q.session_id, q.id, q.channel, q.created_at, q.field_id
      FROM questions q JOIN sessions s ON s.id = q.session_id
      WHERE q.status IN (${STATUS_LIST}) AND s.unit_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM opinions o WHERE o.question_id = q.id)`,
  followUp: `UPDATE opinions SET lead_agency = f.agency, agencies = f.supporting_agencies, deadline = f.deadline
      FROM follow_ups f
      WHERE f.question_id = opinions.question_id AND opinions.lead_agency IS NULL AND opinions.deadline IS NULL`,
  merged: `SELECT o.id AS id, t.id AS target FROM opinions o
      JOIN questions q ON q.id = o.question_id
      JOIN opinions t ON t.question_id = q.merged_into_id
      WHERE q.status = 'merged' AND o.repeat_of_id IS NULL`,
};

const ENTERED_COUNTS: DialectSql = {
  sqlite: `SELECT count(*) AS opinions,
                count(person_name) + 0 AS withName,
                count(locality) + 0 AS withLocality,
                count(erased_at) + 0 AS erased
         FROM opinions WHERE question_id IS NULL`,
  pg: `SELECT count(*) AS opinions,
                count(person_name) AS "withName",
                count(locality) AS "withLocality",
                count(erased_at) AS erased
         FROM opinions WHERE question_id IS NULL`,
};

/** Only if it repeats nothing yet: of two links made at once, the first stands. */
const SET_REPEAT: DialectSql = {
  sqlite: 'UPDATE opinions SET repeat_of_id = ? WHERE id = ? AND repeat_of_id IS NULL',
  pg: 'UPDATE opinions SET repeat_of_id = $1 WHERE id = $2 AND repeat_of_id IS NULL',
};

interface Stmts {
  insert: Prepared<[number], unknown>;
  followUp: Prepared<[number], unknown>;
  merged: Prepared<[number], { id: number; target: number }>;
  codeTaken: Prepared<[string, string], { ok: number }>;
  setRepeat: Prepared<[number, number], unknown>;
}

export class OpinionsRepo {
  /** Prepared on first use: submissions run them, most other requests never do. */
  private one?: Stmts;
  private all?: { insert: Prepared<[], unknown>; followUp: Prepared<[], unknown>; merged: Prepared<[], { id: number; target: number }> };
  private counts?: Prepared<[], EnteredOpinionsData>;

  constructor(private readonly port: DbPort) {}

  private get stmts(): Stmts {
    const p = this.port;
    return (this.one ??= {
      insert: p.prepare({ sqlite: SYNC_ONE.insert, pg: SYNC_ONE_PG.insert }),
      followUp: p.prepare({ sqlite: SYNC_ONE.followUp, pg: SYNC_ONE_PG.followUp }),
      merged: p.prepare({ sqlite: SYNC_ONE.merged, pg: SYNC_ONE_PG.merged }),
      codeTaken: p.prepare({ sqlite: SYNC_ONE.codeTaken, pg: SYNC_ONE_PG.codeTaken }),
      setRepeat: p.prepare(SET_REPEAT),
    });
  }

  /** What the register keeps about the people of the opinions the secretariat entered (the admin's personal-data view). */
  async enteredPersonalDataCounts(): Promise<EnteredOpinionsData> {
    this.counts ??= this.port.prepare<[], EnteredOpinionsData>(ENTERED_COUNTS);
    return (await this.counts.get())!;
  }

  async byId(id: number): Promise<OpinionRow | undefined> {
    const { opinions } = this.port.t;
    return (await this.port.q.select().from(opinions).where(eq(opinions.id, id)).limit(1))[0];
  }
  async byIds(ids: number[]): Promise<OpinionRow[]> {
    if (ids.length === 0) return [];
    const { opinions } = this.port.t;
    return this.port.q.select().from(opinions).where(inArray(opinions.id, ids));
  }
  async byQuestion(questionId: number): Promise<OpinionRow | undefined> {
    const { opinions } = this.port.t;
    return (await this.port.q.select().from(opinions).where(eq(opinions.questionId, questionId)).limit(1))[0];
  }
  async byTrackingCode(code: string): Promise<OpinionRow | undefined> {
    const { opinions } = this.port.t;
    return (await this.port.q.select().from(opinions).where(eq(opinions.trackingCode, code)).limit(1))[0];
  }
  /** Taken by a question or an opinion: the two share one space of codes. */
  async trackingCodeTaken(code: string): Promise<boolean> {
    return (await this.stmts.codeTaken.get(code, code)) !== undefined;
  }
  async insert(row: NewOpinionRow): Promise<OpinionRow> {
    const { opinions } = this.port.t;
    return (await this.port.q.insert(opinions).values(row).returning())[0]!;
  }
  async update(id: number, patch: Partial<NewOpinionRow>): Promise<OpinionRow> {
    const { opinions } = this.port.t;
    return (await this.port.q.update(opinions).set(patch).where(eq(opinions.id, id)).returning())[0]!;
  }
  /** The question's field, kept in step with its opinion's (call in the same transaction). */
  async setQuestionField(questionId: number, fieldId: number | null, now: string): Promise<void> {
    const { questions } = this.port.t;
    await this.port.q.update(questions).set({ fieldId, updatedAt: now }).where(eq(questions.id, questionId));
  }
  async setFieldOfQuestion(questionId: number, fieldId: number | null, now: string): Promise<void> {
    const { opinions } = this.port.t;
    await this.port.q.update(opinions).set({ fieldId, updatedAt: now }).where(eq(opinions.questionId, questionId));
  }

  /** id → repeatOfId of every opinion of a unit that repeats another. */
  async repeatLinks(unitId?: number): Promise<Map<number, number>> {
    const { opinions } = this.port.t;
    const rows = await this.port.q
      .select({ id: opinions.id, r: opinions.repeatOfId })
      .from(opinions)
      .where(and(isNotNull(opinions.repeatOfId), unitId === undefined ? undefined : eq(opinions.unitId, unitId)));
    return new Map(rows.map((x) => [x.id, x.r!]));
  }

  /**
   * Call inside the transaction, before reading repeat links to make a new
   * one: whether a link would close a loop is a question about all of them,
   * which no row lock answers, so on PostgreSQL one such change at a time
   * (SQLite: one write transaction at a time already). Take it after the
   * rows the transaction writes are held, and lock no row after it: one
   * order for all, so that two such transactions cannot wait on each other.
   */
  async lockRepeatLinks(): Promise<void> {
    await lockInTx(this.port, REGISTER_LOCKS.repeatLinks);
  }

  /**
   * Makes the opinion of a question that is approved or later, once, with
   * the unit of its session, its channel, its field and when it was asked;
   * a merged question repeats the opinion of the one it was merged into.
   * Call in the transaction that moved the question (prepared statements:
   * post-moderated submissions run it each). Returns how many were made.
   */
  async syncQuestion(questionId: number): Promise<number> {
    const { insert, followUp, merged, setRepeat } = this.stmts;
    const made = await insert.run(questionId);
    await followUp.run(questionId);
    const m = await merged.get(questionId);
    if (m) {
      await this.lockRepeatLinks();
      if (!reaches(await this.repeatLinks(), m.target, m.id)) await setRepeat.run(m.target, m.id);
    }
    return made;
  }

  /** The same for every question (the backfill at start, and when units change). */
  async syncQuestions(): Promise<number> {
    const p = this.port;
    const all = (this.all ??= {
      insert: p.prepare({ sqlite: SYNC_ALL.insert, pg: `${SYNC_ALL.insert}\n      ON CONFLICT (question_id) DO NOTHING` }),
      followUp: p.prepare({ sqlite: SYNC_ALL.followUp, pg: SYNC_ALL.followUp }),
      merged: p.prepare({ sqlite: SYNC_ALL.merged, pg: `${SYNC_ALL.merged}
      FOR NO KEY UPDATE OF o` }),
    });
    const made = await all.insert.run();
    // Deferred to written follow-up: the opinion takes its lead agency, supporting ones and deadline, unless set already.
    await all.followUp.run();
    // Merged: the opinion repeats the target's (when it has one and no loop would form).
    const merged = await all.merged.all();
    if (merged.length > 0) {
      await this.lockRepeatLinks();
      const links = await this.repeatLinks();
      for (const m of merged) {
        if (!reaches(links, m.target, m.id)) {
          if ((await this.stmts.setRepeat.run(m.target, m.id)) > 0) links.set(m.id, m.target);
        }
      }
    }
    return made;
  }

  /** The register's rows, newest first, with what they read from their question. */
  async list(f: OpinionFilter): Promise<OpinionJoined[]> {
    const { opinions: o, questions: q, participants: p, fields: fl, answers: a } = this.port.t;
    const where: (SQL | undefined)[] = [];
    if (f.fromIso) where.push(sql`${o.receivedAt} >= ${f.fromIso}`);
    if (f.toIso) where.push(sql`${o.receivedAt} < ${f.toIso}`);
    if (f.unitId !== undefined) where.push(eq(o.unitId, f.unitId));
    if (f.sessionId !== undefined) where.push(eq(o.sessionId, f.sessionId));
    if (f.fieldId !== undefined) where.push(f.fieldId === 0 ? isNull(o.fieldId) : eq(o.fieldId, f.fieldId));
    if (f.level !== undefined) where.push(sql`${o.level} = ${f.level}`);
    if (f.outcome !== undefined) where.push(f.outcome === 'none' ? isNull(o.outcome) : sql`${o.outcome} = ${f.outcome}`);
    if (f.source === 'session') where.push(isNotNull(o.questionId));
    if (f.source === 'entered') where.push(isNull(o.questionId));
    if (f.ids) where.push(f.ids.length === 0 ? sql`1 = 0` : inArray(o.id, f.ids));
    if (f.sessionScope) where.push(f.sessionScope.length === 0 ? isNull(o.sessionId) : or(isNull(o.sessionId), inArray(o.sessionId, f.sessionScope)));
    return this.port.q
      .select({
        ...getTableColumns(o),
        questionNumber: q.number,
        questionStatus: q.status,
        questionText: q.text,
        questionTrackingCode: q.trackingCode,
        anonymous: q.anonymous,
        participantName: p.displayName,
        participantLocality: p.locality,
        participantLocalityCode: p.localityCode,
        participantGroup: p.group,
        fieldName: fl.name,
        // 0/1 on SQLite, a boolean on PostgreSQL.
        hasPublicAnswer: sql<number | boolean>`(${q.id} IS NOT NULL AND EXISTS (
          SELECT 1 FROM ${a} WHERE ${a.questionId} = ${q.id} AND (${a.kind} = 'live' OR ${a.publishedAt} IS NOT NULL)))`,
      })
      .from(o)
      .leftJoin(q, eq(q.id, o.questionId))
      .leftJoin(p, eq(p.id, q.participantId))
      .leftJoin(fl, eq(fl.id, o.fieldId))
      .where(and(...where))
      .orderBy(desc(o.receivedAt), desc(o.id));
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
