import type { DbPort, DialectSql, Prepared } from '../../db/port';
import type { units } from '../../db/schema';

export type UnitRow = typeof units.$inferSelect;

/**
 * One opinion as the period report and the carry-over read it: the
 * register's row with what its question (if it came from a dialogue) and
 * its follow-up say, and the dates it was answered. No contact details.
 */
export interface OpinionFacts {
  id: number;
  unitId: number;
  sessionId: number | null;
  sessionTitle: string | null;
  questionId: number | null;
  questionNumber: number | null;
  questionStatus: string | null;
  mergedIntoQuestionId: number | null;
  channel: string;
  receivedAt: string;
  text: string;
  /** The person as the report may name them; null when anonymous or not given. */
  personName: string | null;
  locality: string | null;
  anonymous: boolean;
  fieldId: number | null;
  level: string | null;
  leadAgency: string | null;
  agencies: string;
  deadline: string | null;
  outcome: string | null;
  outcomeNote: string | null;
  responseRef: string | null;
  repeatOfId: number | null;
  trackingCode: string | null;
  updatedAt: string;
  /** The question's field and agency, for an opinion not yet classified in the register. */
  questionFieldId: number | null;
  questionAgency: string | null;
  /** The follow-up of a deferred question. */
  followUpAgency: string | null;
  followUpSupporting: string | null;
  followUpDeadline: string | null;
  followUpPublishedAt: string | null;
  /** The first live answer recorded, and the first written answer published. */
  liveAnsweredAt: string | null;
  writtenPublishedAt: string | null;
}

export interface HeldSession {
  id: number;
  title: string;
  audience: string;
  audienceGroup: string | null;
  startsAt: string;
  startedAt: string | null;
  closedAt: string | null;
  status: string;
  chairText: string | null;
  attendance: number | null;
  chairName: string | null;
  chairTitle: string | null;
  /** Phones that joined (people a question was taken for on the floor, on paper or by phone are not counted). */
  joined: number;
}

export interface CommitmentFacts {
  id: number;
  questionId: number;
  sessionId: number;
  questionNumber: number;
  questionText: string;
  text: string;
  agency: string;
  deadline: string | null;
  status: string;
  /** Made with a live answer, or with a written answer that was published. */
  published: boolean;
}

/**
 * An opinion with what the report reads about it. `anonymous` is the
 * question's flag: 0/1 on SQLite, a boolean on PostgreSQL (where a boolean
 * column never meets an integer, hence the two COALESCEs).
 */
const opinionSelect = (dialect: 'sqlite' | 'pg'): string => `
  SELECT o.id, o.unit_id AS "unitId", o.session_id AS "sessionId", s.title AS "sessionTitle",
         o.question_id AS "questionId", q.number AS "questionNumber", q.status AS "questionStatus",
         q.merged_into_id AS "mergedIntoQuestionId", o.channel, o.received_at AS "receivedAt",
         COALESCE(q.text, o.text, '') AS text,
         CASE WHEN q.id IS NOT NULL THEN (CASE WHEN q.anonymous THEN NULL ELSE p.display_name END) ELSE o.person_name END AS "personName",
         CASE WHEN q.id IS NOT NULL THEN (CASE WHEN q.anonymous THEN NULL ELSE p.locality END) ELSE o.locality END AS locality,
         ${dialect === 'pg' ? 'COALESCE(q.anonymous, false)' : 'COALESCE(q.anonymous, 0)'} AS anonymous,
         o.field_id AS "fieldId", o.level, o.lead_agency AS "leadAgency", o.agencies, o.deadline, o.outcome,
         o.outcome_note AS "outcomeNote", o.response_ref AS "responseRef", o.repeat_of_id AS "repeatOfId",
         o.tracking_code AS "trackingCode", o.updated_at AS "updatedAt",
         q.field_id AS "questionFieldId", q.agency AS "questionAgency",
         f.agency AS "followUpAgency", f.supporting_agencies AS "followUpSupporting", f.deadline AS "followUpDeadline",
         f.published_at AS "followUpPublishedAt",
         (SELECT MIN(a.created_at) FROM answers a WHERE a.question_id = o.question_id AND a.kind = 'live') AS "liveAnsweredAt",
         (SELECT MIN(a.published_at) FROM answers a WHERE a.question_id = o.question_id AND a.kind = 'written' AND a.published_at IS NOT NULL) AS "writtenPublishedAt"
  FROM opinions o
  LEFT JOIN questions q ON q.id = o.question_id
  LEFT JOIN participants p ON p.id = q.participant_id
  LEFT JOIN sessions s ON s.id = o.session_id
  LEFT JOIN follow_ups f ON f.question_id = o.question_id`;

const heldSelect = (joined: string): string => `SELECT s.id, s.title, s.audience, s.audience_group AS "audienceGroup", s.starts_at AS "startsAt", s.started_at AS "startedAt",
                s.closed_at AS "closedAt", s.status, s.chair AS "chairText", s.attendance,
                (SELECT sp.name FROM session_panel sp WHERE sp.session_id = s.id AND sp.role = 'chair' ORDER BY sp.position LIMIT 1) AS "chairName",
                (SELECT sp.title FROM session_panel sp WHERE sp.session_id = s.id AND sp.role = 'chair' ORDER BY sp.position LIMIT 1) AS "chairTitle",
                ${joined} AS joined
         FROM sessions s`;

const JOINED_COUNT = `(SELECT COUNT(*) FROM participants p WHERE p.session_id = s.id
                   AND p.id NOT IN (SELECT q.participant_id FROM questions q WHERE q.session_id = s.id AND q.channel <> 'app'))`;

const COMMITMENTS_SELECT = `SELECT c.id, c.question_id AS "questionId", q.session_id AS "sessionId", q.number AS "questionNumber", q.text AS "questionText",
                  c.text, c.agency, c.deadline, c.status,
                  CASE WHEN c.answer_id IS NULL THEN 1
                       WHEN (SELECT a.kind = 'live' OR a.published_at IS NOT NULL FROM answers a WHERE a.id = c.answer_id) THEN 1 ELSE 0 END AS published
           FROM commitments c JOIN questions q ON q.id = c.question_id`;

/** Each statement on both engines; lists of ids go to PostgreSQL as one int[] parameter, to SQLite as one JSON array (json_each). */
const SQL = {
  unit: {
    sqlite: `SELECT id, name, abbreviation, level, parent_name AS "parentName", place, code, created_at AS "createdAt", updated_at AS "updatedAt" FROM units WHERE id = ?`,
    pg: `SELECT id, name, abbreviation, level, parent_name AS "parentName", place, code, created_at AS "createdAt", updated_at AS "updatedAt" FROM units WHERE id = $1`,
  },
  fields: {
    sqlite: `SELECT id, name, position, active FROM fields ORDER BY position, id`,
    pg: `SELECT id, name, position, active FROM fields ORDER BY position, id`,
  },
  opinionsOfUnit: {
    sqlite: `${opinionSelect('sqlite')} WHERE o.unit_id = ? AND o.received_at < ? ORDER BY o.received_at, o.id`,
    pg: `${opinionSelect('pg')} WHERE o.unit_id = $1 AND o.received_at < $2 ORDER BY o.received_at, o.id`,
  },
  opinionsOfSessions: {
    sqlite: `${opinionSelect('sqlite')} WHERE o.session_id IN (SELECT value FROM json_each(?)) ORDER BY o.received_at, o.id`,
    pg: `${opinionSelect('pg')} WHERE o.session_id = ANY($1::int[]) ORDER BY o.received_at, o.id`,
  },
  // In the order they were written (audit_log.id), so that an opinion's last entry is read last.
  outcomeAudit: {
    sqlite: `SELECT entity_id AS id, at, before, after FROM audit_log WHERE entity = 'opinion' AND entity_id IN (SELECT value FROM json_each(?)) ORDER BY audit_log.id`,
    pg: `SELECT entity_id AS id, at, before, after FROM audit_log WHERE entity = 'opinion' AND entity_id = ANY($1::int[]) ORDER BY audit_log.id`,
  },
  heldSessions: {
    sqlite: `${heldSelect(JOINED_COUNT)}
         WHERE s.unit_id = ? AND s.status IN ('live', 'paused', 'closed', 'archived')
           AND COALESCE(s.started_at, s.starts_at) >= ? AND COALESCE(s.started_at, s.starts_at) < ?
         ORDER BY COALESCE(s.started_at, s.starts_at), s.id`,
    pg: `${heldSelect(JOINED_COUNT)}
         WHERE s.unit_id = $1 AND s.status IN ('live', 'paused', 'closed', 'archived')
           AND COALESCE(s.started_at, s.starts_at) >= $2 AND COALESCE(s.started_at, s.starts_at) < $3
         ORDER BY COALESCE(s.started_at, s.starts_at), s.id`,
  },
  // Same unit, or both without one: IS on SQLite, IS NOT DISTINCT FROM on PostgreSQL.
  earlierSessions: {
    sqlite: `${heldSelect('0')}
         WHERE s.id <> ? AND s.unit_id IS ? AND s.status IN ('live', 'paused', 'closed', 'archived')
           AND COALESCE(s.started_at, s.starts_at) < ?
         ORDER BY COALESCE(s.started_at, s.starts_at) DESC, s.id DESC`,
    pg: `${heldSelect('0')}
         WHERE s.id <> $1 AND s.unit_id IS NOT DISTINCT FROM $2::int AND s.status IN ('live', 'paused', 'closed', 'archived')
           AND COALESCE(s.started_at, s.starts_at) < $3
         ORDER BY COALESCE(s.started_at, s.starts_at) DESC, s.id DESC`,
  },
  commitmentsOf: {
    sqlite: `${COMMITMENTS_SELECT}
           WHERE q.session_id IN (SELECT value FROM json_each(?))
           ORDER BY q.session_id, q.number, c.id`,
    pg: `${COMMITMENTS_SELECT}
           WHERE q.session_id = ANY($1::int[])
           ORDER BY q.session_id, q.number, c.id`,
  },
} satisfies Record<string, DialectSql>;

type RawFacts = Omit<OpinionFacts, 'anonymous'> & { anonymous: number | boolean };
const toFacts = (r: RawFacts): OpinionFacts => ({ ...r, anonymous: Boolean(r.anonymous) });

type IdList = string | number[];

/** Read-only queries of the period report and the carry-over between dialogues. */
export class OpinionsReportRepo {
  private prepared?: {
    unit: Prepared<[number], UnitRow>;
    fields: Prepared<[], { id: number; name: string; position: number; active: number | boolean }>;
    opinionsOfUnit: Prepared<[number, string], RawFacts>;
    opinionsOfSessions: Prepared<[IdList], RawFacts>;
    outcomeAudit: Prepared<[IdList], { id: number; at: string; before: string | null; after: string | null }>;
    heldSessions: Prepared<[number, string, string], HeldSession>;
    earlierSessions: Prepared<[number, number | null, string], HeldSession>;
    commitmentsOf: Prepared<[IdList], Omit<CommitmentFacts, 'published'> & { published: number }>;
  };

  constructor(private readonly port: DbPort) {}

  /** Prepared on first use (reports are rare; the app starts without them). */
  private get stmts(): NonNullable<OpinionsReportRepo['prepared']> {
    const p = this.port;
    return (this.prepared ??= {
      unit: p.prepare(SQL.unit),
      fields: p.prepare(SQL.fields),
      opinionsOfUnit: p.prepare(SQL.opinionsOfUnit),
      opinionsOfSessions: p.prepare(SQL.opinionsOfSessions),
      outcomeAudit: p.prepare(SQL.outcomeAudit),
      heldSessions: p.prepare(SQL.heldSessions),
      earlierSessions: p.prepare(SQL.earlierSessions),
      commitmentsOf: p.prepare(SQL.commitmentsOf),
    });
  }

  /** A list of ids as the statement's one parameter: an int[] on PostgreSQL, a JSON array on SQLite. */
  private ids(ids: number[]): IdList {
    return this.port.dialect === 'pg' ? ids : JSON.stringify(ids);
  }

  async unit(id: number): Promise<UnitRow | undefined> {
    return this.stmts.unit.get(id);
  }

  async fields(): Promise<{ id: number; name: string; position: number; active: boolean }[]> {
    return (await this.stmts.fields.all()).map((f) => ({ ...f, active: Boolean(f.active) }));
  }

  /** Every opinion of the unit received before `beforeIso`, oldest first. */
  async opinionsOfUnit(unitId: number, beforeIso: string): Promise<OpinionFacts[]> {
    return (await this.stmts.opinionsOfUnit.all(unitId, beforeIso)).map(toFacts);
  }

  /** The opinions of these sessions, oldest first. */
  async opinionsOfSessions(sessionIds: number[]): Promise<OpinionFacts[]> {
    if (sessionIds.length === 0) return [];
    return (await this.stmts.opinionsOfSessions.all(this.ids(sessionIds))).map(toFacts);
  }

  /**
   * When each opinion's outcome was last set to the value it has now, from
   * the audit log of the register's edits (entity 'opinion'): the date an
   * outcome was recorded. Opinions with no such entry are absent.
   */
  async outcomeSetAt(ids: number[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    if (ids.length === 0) return out;
    for (const row of await this.stmts.outcomeAudit.all(this.ids(ids))) {
      const after = parse(row.after);
      if (!after || !('outcome' in after)) continue;
      const before = parse(row.before);
      if (before && before.outcome === after.outcome) continue;
      out.set(row.id, row.at);
    }
    return out;
  }

  /** The unit's sessions that were held (went live or closed) and started in [fromIso, toIso). */
  async heldSessions(unitId: number, fromIso: string, toIso: string): Promise<HeldSession[]> {
    return this.stmts.heldSessions.all(unitId, fromIso, toIso);
  }

  /** Dialogues of the same unit (or, without a unit, of no unit) held before `beforeIso`, newest first. */
  async earlierSessions(sessionId: number, unitId: number | null, beforeIso: string): Promise<HeldSession[]> {
    return this.stmts.earlierSessions.all(sessionId, unitId, beforeIso);
  }

  /** Commitments made at these sessions, in the order of their questions. */
  async commitmentsOf(sessionIds: number[]): Promise<CommitmentFacts[]> {
    if (sessionIds.length === 0) return [];
    return (await this.stmts.commitmentsOf.all(this.ids(sessionIds))).map((c) => ({ ...c, published: Boolean(c.published) }));
  }
}

function parse(s: string | null): Record<string, unknown> | null {
  if (!s) return null;
  try {
    const v = JSON.parse(s) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
