import { Type, type Static } from 'typebox';
import { Answer, Commitment, FollowUp } from './entities';
import {
  FollowUpStatus,
  Id,
  ParticipantGroup,
  QuestionStatus,
  RejectReason,
  SessionStatus,
} from './enums';

/**
 * What the secretariat, the tracking page and the public record exchange
 * with the server: follow-up lists, tracking, the public record of a closed
 * session and per-session statistics. Exports (DOCX, HTML, CSV, XLSX) are
 * files and have no JSON shape.
 */

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const IsoDateTime = Type.String({ format: 'date-time' });

// ---- follow-up -----------------------------------------------------------------

/** Query string of GET /api/followups. Every filter is optional and they combine. */
export const FollowUpListQuery = Type.Object(
  {
    status: Type.Optional(FollowUpStatus),
    sessionId: Type.Optional(Id),
    /** Case-insensitive part of the agency's name. */
    agency: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    /** `true`: only the overdue ones; `false`: only those not overdue. */
    overdue: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type FollowUpListQuery = Static<typeof FollowUpListQuery>;

/**
 * A follow-up as the secretariat works it: the question, who asked (no
 * contact: that is a separate, audited read), the written answer if one was
 * recorded (published or not).
 */
export const FollowUpItem = Type.Object({
  ...FollowUp.properties,
  session: Type.Object({ id: Id, title: Type.String(), status: SessionStatus }),
  question: Type.Object({
    id: Id,
    text: Type.String(),
    status: QuestionStatus,
    trackingCode: Type.String(),
    anonymous: Type.Boolean(),
    authorName: Nullable(Type.String()),
    locality: Nullable(Type.String()),
    group: Nullable(ParticipantGroup),
    /** For GET /api/participants/:id/contact (secretariat only, audited). */
    participantId: Id,
    /** Whether the asker left contact details at all. */
    hasContact: Type.Boolean(),
  }),
  writtenAnswer: Nullable(Answer),
});
export type FollowUpItem = Static<typeof FollowUpItem>;

// ---- tracking --------------------------------------------------------------------

export const TrackingParams = Type.Object({ trackingCode: Type.String({ minLength: 4, maxLength: 32 }) });
export type TrackingParams = Static<typeof TrackingParams>;

/** A published answer as the public sees it. */
export const PublicAnswer = Type.Object({
  kind: Answer.properties.kind,
  text: Type.String(),
  answeredBy: Nullable(Type.String()),
  publishedAt: IsoDateTime,
});
export type PublicAnswer = Static<typeof PublicAnswer>;

export const PublicCommitment = Type.Object({
  text: Type.String(),
  agency: Type.String(),
  deadline: Nullable(Type.String()),
  status: Commitment.properties.status,
});
export type PublicCommitment = Static<typeof PublicCommitment>;

export const PublicFollowUp = Type.Object({
  agency: Type.String(),
  deadline: Type.String(),
  status: FollowUpStatus,
  overdue: Type.Boolean(),
  publishedAt: Nullable(IsoDateTime),
});
export type PublicFollowUp = Static<typeof PublicFollowUp>;

/**
 * GET /api/track/:trackingCode. Whoever holds the code sees the question and
 * its published answers, never who asked: no name, locality, contact or
 * participant id, so a leaked code gives nothing personal away.
 */
export const TrackResult = Type.Object({
  status: QuestionStatus,
  question: Type.Object({
    /** Null when the question was rejected for containing personal data. */
    text: Nullable(Type.String()),
    topic: Nullable(Type.String()),
    agency: Nullable(Type.String()),
    createdAt: IsoDateTime,
    answeredAt: Nullable(IsoDateTime),
    rejectReason: Nullable(RejectReason),
  }),
  session: Type.Object({ id: Id, title: Type.String(), status: SessionStatus, startsAt: IsoDateTime }),
  answers: Type.Array(PublicAnswer),
  commitments: Type.Array(PublicCommitment),
  followUp: Nullable(PublicFollowUp),
  /** A merged question is answered through the one it was merged into. */
  mergedInto: Nullable(
    Type.Object({
      text: Type.String(),
      status: QuestionStatus,
      answers: Type.Array(PublicAnswer),
      commitments: Type.Array(PublicCommitment),
      followUp: Nullable(PublicFollowUp),
    }),
  ),
});
export type TrackResult = Static<typeof TrackResult>;

// ---- public record ---------------------------------------------------------------

export const PublicSessionSummary = Type.Object({
  id: Id,
  title: Type.String(),
  audience: Type.String(),
  place: Nullable(Type.String()),
  startsAt: IsoDateTime,
  closedAt: Nullable(IsoDateTime),
  status: SessionStatus,
  /** Questions shown on the public record. */
  questionCount: Type.Integer(),
});
export type PublicSessionSummary = Static<typeof PublicSessionSummary>;

export const PublicQuestion = Type.Object({
  id: Id,
  text: Type.String(),
  status: QuestionStatus,
  topic: Nullable(Type.String()),
  votes: Type.Integer(),
  answers: Type.Array(PublicAnswer),
  commitments: Type.Array(PublicCommitment),
  followUp: Nullable(PublicFollowUp),
});
export type PublicQuestion = Static<typeof PublicQuestion>;

const CountsByReason = Type.Object({
  duplicate: Type.Integer(),
  off_topic: Type.Integer(),
  abusive: Type.Integer(),
  personal_data: Type.Integer(),
  other: Type.Integer(),
});

/**
 * GET /api/public/sessions/:id, closed or archived sessions only. Questions
 * that are not shown are counted, with the reason, so that nothing vanishes
 * silently; no asker is named.
 */
export const PublicSessionRecord = Type.Object({
  session: Type.Object({
    id: Id,
    title: Type.String(),
    audience: Type.String(),
    description: Nullable(Type.String()),
    place: Nullable(Type.String()),
    startsAt: IsoDateTime,
    startedAt: Nullable(IsoDateTime),
    closedAt: Nullable(IsoDateTime),
    status: SessionStatus,
    chair: Nullable(Type.String()),
    panel: Type.Array(Type.Object({ name: Type.String(), title: Nullable(Type.String()), agency: Nullable(Type.String()) })),
  }),
  questions: Type.Array(PublicQuestion),
  notShown: Type.Object({
    rejected: Type.Object({ total: Type.Integer(), byReason: CountsByReason }),
    merged: Type.Integer(),
    withdrawn: Type.Integer(),
    /** Never moderated before the session closed. */
    pending: Type.Integer(),
  }),
});
export type PublicSessionRecord = Static<typeof PublicSessionRecord>;

// ---- statistics ------------------------------------------------------------------

export const CountEntry = Type.Object({
  /** The group, topic or locality; null when the asker did not say. */
  key: Nullable(Type.String()),
  count: Type.Integer(),
});
export type CountEntry = Static<typeof CountEntry>;

/** GET /api/sessions/:id/stats (staff). Counts, largest first within each list, "not said" (null) last. */
export const SessionStats = Type.Object({
  sessionId: Id,
  participants: Type.Integer(),
  /** Every question received, withdrawn ones included. */
  questions: Type.Integer(),
  votes: Type.Integer(),
  byStatus: Type.Record(Type.String(), Type.Integer()),
  byGroup: Type.Array(CountEntry),
  byTopic: Type.Array(CountEntry),
  byLocality: Type.Array(CountEntry),
  /** Answered on the spot (status answered, or a live answer was recorded). */
  takenUpLive: Type.Integer(),
  deferred: Type.Integer(),
  rejected: Type.Object({ total: Type.Integer(), byReason: CountsByReason }),
  merged: Type.Integer(),
  withdrawn: Type.Integer(),
  followUps: Type.Object({
    total: Type.Integer(),
    published: Type.Integer(),
    overdue: Type.Integer(),
    /** Median from deferral to publication of the written answer, in seconds; null before the first one. */
    medianSecondsToWrittenAnswer: Nullable(Type.Number()),
  }),
});
export type SessionStats = Static<typeof SessionStats>;
