import { Type, type Static } from 'typebox';
import { Answer, Commitment, FollowUp } from './entities';
import { OPINION_CHANNELS, OPINION_OUTCOMES } from '../constants';
import {
  AuthorityMode,
  FollowUpStatus,
  Id,
  ParticipantGroup,
  QuestionChannel,
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
    number: Type.Integer(),
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
  /** Null for an opinion the secretariat entered from another channel (reception, letter…). */
  session: Nullable(Type.Object({ id: Id, title: Type.String(), status: SessionStatus, startsAt: IsoDateTime })),
  /**
   * Its place in the opinions register, when it is one: how it was received,
   * its field and its outcome with the answering document. Never the person.
   * An entered opinion's `status` reads `answered` once it is answered, else `approved` (received).
   */
  opinion: Type.Optional(
    Nullable(
      Type.Object({
        channel: Type.Enum(OPINION_CHANNELS),
        receivedAt: IsoDateTime,
        field: Nullable(Type.String()),
        outcome: Nullable(Type.Enum(OPINION_OUTCOMES)),
        responseRef: Nullable(Type.String()),
        answered: Type.Boolean(),
      }),
    ),
  ),
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
  /** Where it was asked: `app` (a phone), `floor`, `paper`, `hotline` or `sms`. */
  channel: QuestionChannel,
  /** The linked venue's name; null: the main hall. */
  venue: Nullable(Type.String()),
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
  /** The linked venues (điểm cầu), in their order; empty for a one-hall session. */
  venues: Type.Array(Type.Object({ name: Type.String(), locality: Nullable(Type.String()) })),
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

// ---- minutes and conclusions ------------------------------------------------------

const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', maxLength: 10 });

/** PATCH /api/sessions/:id/minutes-notes (secretary, admin): what the secretary adds to the minutes by hand. */
export const MinutesNotesBody = Type.Object(
  {
    /** People in the hall, counted by the secretary (the phones that joined are another figure). */
    attendance: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 1_000_000 }), Type.Null()])),
    closingRemarks: Type.Optional(Type.Union([Type.String({ maxLength: 20000 }), Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type MinutesNotesBody = Static<typeof MinutesNotesBody>;

export const ConclusionTask = Type.Object(
  {
    agency: Type.String({ minLength: 1, maxLength: 200 }),
    text: Type.String({ minLength: 1, maxLength: 5000 }),
    deadline: Nullable(IsoDate),
  },
  { additionalProperties: false },
);
export type ConclusionTask = Static<typeof ConclusionTask>;

/**
 * Who signs the notice and on whose authority: "TL. CHỦ TỊCH / CHÁNH VĂN
 * PHÒNG", "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH", "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH".
 */
export const Authority = Type.Object(
  {
    mode: AuthorityMode,
    /** The authority signed for, after the mode: "CHỦ TỊCH", "ỦY BAN NHÂN DÂN". */
    of: Type.String({ minLength: 1, maxLength: 120 }),
    /** The signer's position: "CHÁNH VĂN PHÒNG". */
    position: Type.String({ minLength: 1, maxLength: 120 }),
    /** The signer's name, printed alone under the signature. */
    name: Type.String({ maxLength: 120 }),
  },
  { additionalProperties: false },
);
export type Authority = Static<typeof Authority>;

/** PUT /api/sessions/:id/conclusions (secretary, admin). */
export const ConclusionsBody = Type.Object(
  {
    /** Trích yếu; null for the default. */
    subject: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
    assessment: Type.String({ maxLength: 20000 }),
    tasks: Type.Array(ConclusionTask, { maxItems: 200 }),
    recipients: Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { maxItems: 60 }),
    authority: Authority,
  },
  { additionalProperties: false },
);
export type ConclusionsBody = Static<typeof ConclusionsBody>;

/** GET /api/sessions/:id/conclusions: the saved text, or a draft from the commitments and deferrals. */
export const Conclusions = Type.Object({
  sessionId: Id,
  /** False while nothing has been saved: what is shown is the draft. */
  saved: Type.Boolean(),
  subject: Type.String(),
  defaultSubject: Type.String(),
  assessment: Type.String(),
  tasks: Type.Array(ConclusionTask),
  recipients: Type.Array(Type.String()),
  authority: Authority,
  /** The draft as the session's record gives it today, to compare with or start over from. */
  draft: Type.Object({ tasks: Type.Array(ConclusionTask), recipients: Type.Array(Type.String()) }),
  updatedAt: Nullable(IsoDateTime),
});
export type Conclusions = Static<typeof Conclusions>;

// ---- statistics ------------------------------------------------------------------

export const CountEntry = Type.Object({
  /** The group, topic or locality; null when the asker did not say. */
  key: Nullable(Type.String()),
  count: Type.Integer(),
});
export type CountEntry = Static<typeof CountEntry>;

/** GET /api/sessions/:id/stats (staff). Counts, largest first within each list, "not said" (null) last. */
/**
 * Where every question of a session ended up; the parts add up to
 * `received`. The minutes, the notice, the statistics and the public record
 * all count with this one function.
 */
export const QuestionOutcomes = Type.Object({
  received: Type.Integer(),
  answeredLive: Type.Integer(),
  deferred: Type.Integer(),
  rejected: Type.Object({ total: Type.Integer(), byReason: CountsByReason }),
  merged: Type.Integer(),
  withdrawn: Type.Integer(),
  /** Approved but not taken up before the session ended. */
  notReached: Type.Integer(),
  /** Never moderated (pre-moderation) before the session ended. */
  notModerated: Type.Integer(),
});
export type QuestionOutcomes = Static<typeof QuestionOutcomes>;

/** Questions by where they came from: by channel, and by venue (the main hall is `venueId: null`). */
export const SourceCounts = Type.Object({
  byChannel: Type.Object({ app: Type.Integer(), floor: Type.Integer(), paper: Type.Integer(), hotline: Type.Integer(), sms: Type.Integer() }),
  byVenue: Type.Array(
    Type.Object({
      venueId: Nullable(Id),
      name: Type.String(),
      /** Every question received from this venue (the same total as `outcomes.received`, summed). */
      questions: Type.Integer(),
      /** Questions of this venue that have been on stage. */
      onStage: Type.Integer(),
      /** People in this venue's hall as entered; null until entered (always null for the main hall: see `attendance`). */
      attendance: Nullable(Type.Integer()),
    }),
  ),
});
export type SourceCounts = Static<typeof SourceCounts>;

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
  /** Answered on the spot: `outcomes.answeredLive`. */
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
  outcomes: QuestionOutcomes,
  /** People in the hall as the secretary entered them; null until entered. */
  attendance: Nullable(Type.Integer()),
  /** The main hall and every linked venue added up (shared/attendance.ts, as the minutes print it); null until one is entered. */
  attendanceTotal: Type.Optional(Nullable(Type.Integer())),
  /** By channel and by venue: the same counts the minutes print. */
  sources: Type.Optional(SourceCounts),
});
export type SessionStats = Static<typeof SessionStats>;
