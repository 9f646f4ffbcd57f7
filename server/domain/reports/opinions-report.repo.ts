import { sqliteOf, type DbPort } from '../../db/port';
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

const OPINION_SELECT = `
  SELECT o.id, o.unit_id AS unitId, o.session_id AS sessionId, s.title AS sessionTitle,
         o.question_id AS questionId, q.number AS questionNumber, q.status AS questionStatus,
         q.merged_into_id AS mergedIntoQuestionId, o.channel, o.received_at AS receivedAt,
         COALESCE(q.text, o.text, '') AS text,
         CASE WHEN q.id IS NOT NULL THEN (CASE WHEN q.anonymous THEN NULL ELSE p.display_name END) ELSE o.person_name END AS personName,
         CASE WHEN q.id IS NOT NULL THEN (CASE WHEN q.anonymous THEN NULL ELSE p.locality END) ELSE o.locality END AS locality,
         COALESCE(q.anonymous, 0) AS anonymous,
         o.field_id AS fieldId, o.level, o.lead_agency AS leadAgency, o.agencies, o.deadline, o.outcome,
         o.outcome_note AS outcomeNote, o.response_ref AS responseRef, o.repeat_of_id AS repeatOfId,
         o.tracking_code AS trackingCode, o.updated_at AS updatedAt,
         q.field_id AS questionFieldId, q.agency AS questionAgency,
         f.agency AS followUpAgency, f.supporting_agencies AS followUpSupporting, f.deadline AS followUpDeadline,
         f.published_at AS followUpPublishedAt,
         (SELECT MIN(a.created_at) FROM answers a WHERE a.question_id = o.question_id AND a.kind = 'live') AS liveAnsweredAt,
         (SELECT MIN(a.published_at) FROM answers a WHERE a.question_id = o.question_id AND a.kind = 'written' AND a.published_at IS NOT NULL) AS writtenPublishedAt
  FROM opinions o
  LEFT JOIN questions q ON q.id = o.question_id
  LEFT JOIN participants p ON p.id = q.participant_id
  LEFT JOIN sessions s ON s.id = o.session_id
  LEFT JOIN follow_ups f ON f.question_id = o.question_id`;

type RawFacts = Omit<OpinionFacts, 'anonymous'> & { anonymous: number };
const toFacts = (r: RawFacts): OpinionFacts => ({ ...r, anonymous: Boolean(r.anonymous) });

/** Read-only queries of the period report and the carry-over between dialogues. */
export class OpinionsReportRepo {
  constructor(private readonly port: DbPort) {}

  async unit(id: number): Promise<UnitRow | undefined> {
    const r = sqliteOf(this.port)
      .prepare(
        `SELECT id, name, abbreviation, level, parent_name AS parentName, place, code, created_at AS createdAt, updated_at AS updatedAt FROM units WHERE id = ?`,
      )
      .get(id) as UnitRow | undefined;
    return r;
  }

  async fields(): Promise<{ id: number; name: string; position: number; active: boolean }[]> {
    return (sqliteOf(this.port).prepare(`SELECT id, name, position, active FROM fields ORDER BY position, id`).all() as {
      id: number;
      name: string;
      position: number;
      active: number;
    }[]).map((f) => ({ ...f, active: Boolean(f.active) }));
  }

  /** Every opinion of the unit received before `beforeIso`, oldest first. */
  async opinionsOfUnit(unitId: number, beforeIso: string): Promise<OpinionFacts[]> {
    return (
      sqliteOf(this.port)
        .prepare(`${OPINION_SELECT} WHERE o.unit_id = ? AND o.received_at < ? ORDER BY o.received_at, o.id`)
        .all(unitId, beforeIso) as RawFacts[]
    ).map(toFacts);
  }

  /** The opinions of these sessions, oldest first. */
  async opinionsOfSessions(sessionIds: number[]): Promise<OpinionFacts[]> {
    if (sessionIds.length === 0) return [];
    return (
      sqliteOf(this.port)
        .prepare(`${OPINION_SELECT} WHERE o.session_id IN (${sessionIds.map(() => '?').join(',')}) ORDER BY o.received_at, o.id`)
        .all(...sessionIds) as RawFacts[]
    ).map(toFacts);
  }

  /**
   * When each opinion's outcome was last set to the value it has now, from
   * the audit log of the register's edits (entity 'opinion'): the date an
   * outcome was recorded. Opinions with no such entry are absent.
   */
  async outcomeSetAt(ids: number[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    if (ids.length === 0) return out;
    const stmt = sqliteOf(this.port).prepare(
      `SELECT entity_id AS id, at, before, after FROM audit_log WHERE entity = 'opinion' AND entity_id IN (SELECT value FROM json_each(?)) ORDER BY id`,
    );
    for (const row of stmt.all(JSON.stringify(ids)) as { id: number; at: string; before: string | null; after: string | null }[]) {
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
    return sqliteOf(this.port)
      .prepare(
        `SELECT s.id, s.title, s.audience, s.audience_group AS audienceGroup, s.starts_at AS startsAt, s.started_at AS startedAt,
                s.closed_at AS closedAt, s.status, s.chair AS chairText, s.attendance,
                (SELECT sp.name FROM session_panel sp WHERE sp.session_id = s.id AND sp.role = 'chair' ORDER BY sp.position LIMIT 1) AS chairName,
                (SELECT sp.title FROM session_panel sp WHERE sp.session_id = s.id AND sp.role = 'chair' ORDER BY sp.position LIMIT 1) AS chairTitle,
                (SELECT COUNT(*) FROM participants p WHERE p.session_id = s.id
                   AND p.id NOT IN (SELECT q.participant_id FROM questions q WHERE q.session_id = s.id AND q.channel <> 'app')) AS joined
         FROM sessions s
         WHERE s.unit_id = ? AND s.status IN ('live', 'paused', 'closed', 'archived')
           AND COALESCE(s.started_at, s.starts_at) >= ? AND COALESCE(s.started_at, s.starts_at) < ?
         ORDER BY COALESCE(s.started_at, s.starts_at), s.id`,
      )
      .all(unitId, fromIso, toIso) as HeldSession[];
  }

  /** Dialogues of the same unit (or, without a unit, of no unit) held before `beforeIso`, newest first. */
  async earlierSessions(sessionId: number, unitId: number | null, beforeIso: string): Promise<HeldSession[]> {
    return sqliteOf(this.port)
      .prepare(
        `SELECT s.id, s.title, s.audience, s.audience_group AS audienceGroup, s.starts_at AS startsAt, s.started_at AS startedAt,
                s.closed_at AS closedAt, s.status, s.chair AS chairText, s.attendance,
                (SELECT sp.name FROM session_panel sp WHERE sp.session_id = s.id AND sp.role = 'chair' ORDER BY sp.position LIMIT 1) AS chairName,
                (SELECT sp.title FROM session_panel sp WHERE sp.session_id = s.id AND sp.role = 'chair' ORDER BY sp.position LIMIT 1) AS chairTitle,
                0 AS joined
         FROM sessions s
         WHERE s.id <> ? AND s.unit_id IS ? AND s.status IN ('live', 'paused', 'closed', 'archived')
           AND COALESCE(s.started_at, s.starts_at) < ?
         ORDER BY COALESCE(s.started_at, s.starts_at) DESC, s.id DESC`,
      )
      .all(sessionId, unitId, beforeIso) as HeldSession[];
  }

  /** Commitments made at these sessions, in the order of their questions. */
  async commitmentsOf(sessionIds: number[]): Promise<CommitmentFacts[]> {
    if (sessionIds.length === 0) return [];
    return (
      sqliteOf(this.port)
        .prepare(
          `SELECT c.id, c.question_id AS questionId, q.session_id AS sessionId, q.number AS questionNumber, q.text AS questionText,
                  c.text, c.agency, c.deadline, c.status,
                  CASE WHEN c.answer_id IS NULL THEN 1
                       WHEN (SELECT a.kind = 'live' OR a.published_at IS NOT NULL FROM answers a WHERE a.id = c.answer_id) THEN 1 ELSE 0 END AS published
           FROM commitments c JOIN questions q ON q.id = c.question_id
           WHERE q.session_id IN (${sessionIds.map(() => '?').join(',')})
           ORDER BY q.session_id, q.number, c.id`,
        )
        .all(...sessionIds) as (Omit<CommitmentFacts, 'published'> & { published: number })[]
    ).map((c) => ({ ...c, published: Boolean(c.published) }));
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
