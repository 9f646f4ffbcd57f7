import { Type, type Static } from 'typebox';
import { AUDIENCE_GROUPS, OPINION_CHANNELS, OPINION_LEVELS, OPINION_OUTCOMES, UNIT_LEVELS } from '../constants';
import { DEADLINE_KEYS, DEADLINE_STATES } from '../deadlines';
import { PERIOD_PRESETS } from '../periods';
import { Id } from './enums';

/**
 * The period report of the opinions register (GET /api/reports/opinions.json),
 * the carry-over between dialogues with the same audience
 * (GET /api/sessions/:id/carry-over) and the statutory deadlines of a session
 * (GET /api/sessions/:id/deadlines).
 */

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Count = Type.Integer({ minimum: 0 });

export const OpinionOutcomeValue = Type.Enum(OPINION_OUTCOMES);
export const OpinionLevelValue = Type.Enum(OPINION_LEVELS);

export const ReportQuery = Type.Object(
  {
    /** First day of the period, `YYYY-MM-DD`, Vietnam time. */
    from: Type.String({ minLength: 1, maxLength: 10 }),
    /** Last day of the period, included. */
    to: Type.String({ minLength: 1, maxLength: 10 }),
    unitId: Id,
  },
  { additionalProperties: false },
);
export type ReportQuery = Static<typeof ReportQuery>;

/** Counts by outcome; `none`: no outcome recorded yet. */
export const OutcomeCounts = Type.Object({
  resolved: Count,
  in_progress: Count,
  explained: Count,
  unresolved: Count,
  transferred: Count,
  none: Count,
  total: Count,
});
export type OutcomeCounts = Static<typeof OutcomeCounts>;

export const ReportDialogue = Type.Object({
  sessionId: Id,
  title: Type.String(),
  /** The day it was held, in Vietnam. */
  date: Type.String(),
  /** The chair's seat ("Nguyễn Văn Sơn, Chủ tịch UBND tỉnh"), or the session's chair field. */
  chair: Nullable(Type.String()),
  audience: Type.String(),
  audienceGroup: Nullable(Type.Enum(AUDIENCE_GROUPS)),
  /** People in the hall as counted; null when not entered. */
  attendance: Nullable(Count),
  /** Phones that joined. */
  joined: Count,
  /** The attendance when entered, else the phones that joined. */
  participants: Count,
  /** Opinions of this dialogue received in the period. */
  opinions: Count,
});

/** One opinion of the annex (and of the carry-over). */
export const ReportOpinion = Type.Object({
  id: Id,
  receivedAt: Type.String(),
  channel: Type.Enum(OPINION_CHANNELS),
  sessionId: Nullable(Id),
  sessionTitle: Nullable(Type.String()),
  questionNumber: Nullable(Type.Integer()),
  text: Type.String(),
  /** "Nguyễn Thị Lan (Xã Hòa Bình)", "Ẩn danh", or null when nobody was named. */
  person: Nullable(Type.String()),
  fieldId: Nullable(Id),
  field: Nullable(Type.String()),
  level: Nullable(OpinionLevelValue),
  leadAgency: Nullable(Type.String()),
  agencies: Type.Array(Type.String()),
  deadline: Nullable(Type.String()),
  outcome: Nullable(OpinionOutcomeValue),
  outcomeNote: Nullable(Type.String()),
  responseRef: Nullable(Type.String()),
  /** Has a live answer, or a written answer that was published. */
  answered: Type.Boolean(),
  /** The day it was dealt with (see docs/opinions-report.md), or null while outstanding. */
  doneDate: Nullable(Type.String()),
  repeatOfId: Nullable(Id),
  /** Counted once, under this opinion (a repeat, or a question merged into another): null when it is counted itself. */
  countedWithId: Nullable(Id),
});
export type ReportOpinion = Static<typeof ReportOpinion>;

export const TableRow = Type.Object({
  /** A field id or a level; null: not classified. */
  key: Nullable(Type.Union([Id, Type.String()])),
  /** The field's name (levels and "not classified" are labelled by the reader). */
  label: Nullable(Type.String()),
  counts: OutcomeCounts,
});

export const AgencyRow = Type.Object({
  /** The lead agency; null: not assigned to any. */
  agency: Nullable(Type.String()),
  assigned: Count,
  onTime: Count,
  late: Count,
  outstanding: Count,
  /** Of the outstanding, those past their deadline. */
  overdue: Count,
});
export type AgencyRow = Static<typeof AgencyRow>;

export const OpinionsReport = Type.Object({
  unit: Type.Object({
    id: Id,
    name: Type.String(),
    abbreviation: Type.String(),
    level: Type.Enum(UNIT_LEVELS),
    parentName: Nullable(Type.String()),
    place: Type.String(),
  }),
  period: Type.Object({
    from: Type.String(),
    to: Type.String(),
    preset: Type.Enum(PERIOD_PRESETS),
    /** "quý I năm 2027", as the report's title says it. */
    words: Type.String(),
  }),
  /** The day timeliness is judged on: the period's last day, or today if that is later. */
  asOf: Type.String(),
  generatedAt: Type.String(),
  overview: Type.Object({
    dialogues: Type.Array(ReportDialogue),
    participants: Count,
    /** Every opinion received in the period. */
    received: Count,
    byChannel: Type.Array(Type.Object({ channel: Type.Enum(OPINION_CHANNELS), count: Count })),
    fromDialogues: Count,
    fromOtherChannels: Count,
    /** Repeats and merged questions, counted once under the opinion they repeat. */
    repeats: Count,
    /** received − repeats: every matter once. The tables count these. */
    afterMerging: Count,
    /** Answered live at a dialogue (and not deferred). */
    answeredOnSpot: Count,
    /** Deferred at a dialogue to a written answer. */
    deferred: Count,
    /** Has a live answer or a published written answer. */
    answered: Count,
  }),
  byField: Type.Object({ rows: Type.Array(TableRow), totals: OutcomeCounts }),
  byLevel: Type.Object({ rows: Type.Array(TableRow), totals: OutcomeCounts }),
  byAgency: Type.Object({ rows: Type.Array(AgencyRow), totals: AgencyRow }),
  /** The annex: every opinion received in the period, oldest first. */
  opinions: Type.Array(ReportOpinion),
  /** Received before `from`, not dealt with on `from`; what became of them by the end of the period. */
  carryOver: Type.Object({
    count: Count,
    dealtWith: Count,
    /** Of those dealt with in the period, by outcome. */
    byOutcome: OutcomeCounts,
    outstanding: Count,
    overdue: Count,
    opinions: Type.Array(Type.Intersect([ReportOpinion, Type.Object({ state: Type.Enum(['dealt_with', 'outstanding']) })])),
  }),
});
export type OpinionsReport = Static<typeof OpinionsReport>;

// ---- carry-over between dialogues ---------------------------------------------

export const CarryOverCommitment = Type.Object({
  questionNumber: Type.Integer(),
  questionText: Type.String(),
  text: Type.String(),
  agency: Type.String(),
  deadline: Nullable(Type.String()),
  status: Type.Enum(['open', 'in_progress', 'done']),
  overdue: Type.Boolean(),
});

export const CarryOverDialogue = Type.Object({
  sessionId: Id,
  title: Type.String(),
  date: Type.String(),
  chair: Nullable(Type.String()),
  audience: Type.String(),
  /** The last earlier dialogue is given in full; older ones only with what is still open. */
  full: Type.Boolean(),
  commitments: Type.Array(CarryOverCommitment),
  opinions: Type.Array(ReportOpinion),
});

export const CarryOver = Type.Object({
  sessionId: Id,
  /** How the earlier dialogues were found: the audience group, the audience as typed, or none found. */
  matchedBy: Nullable(Type.Enum(['audienceGroup', 'audience'])),
  dialogues: Type.Array(CarryOverDialogue),
  totals: Type.Object({
    commitments: Count,
    commitmentsDone: Count,
    opinions: Count,
    resolved: Count,
    outstanding: Count,
  }),
});
export type CarryOver = Static<typeof CarryOver>;

// ---- statutory deadlines ------------------------------------------------------------

export const DeadlineItem = Type.Object({
  key: Type.Enum(DEADLINE_KEYS),
  dueDate: Type.String(),
  provisional: Type.Boolean(),
  doneDate: Nullable(Type.String()),
  state: Type.Enum(DEADLINE_STATES),
});

export const SessionDeadlines = Type.Object({
  sessionId: Id,
  audienceGroup: Nullable(Type.Enum(AUDIENCE_GROUPS)),
  unitLevel: Nullable(Type.Enum(UNIT_LEVELS)),
  planPublishedAt: Nullable(Type.String()),
  announcedAt: Nullable(Type.String()),
  resultsPublishedAt: Nullable(Type.String()),
  items: Type.Array(DeadlineItem),
});
export type SessionDeadlines = Static<typeof SessionDeadlines>;
