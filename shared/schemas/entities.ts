import { Type, type Static } from 'typebox';
import {
  AnswerKind,
  CommitmentStatus,
  FollowUpStatus,
  Id,
  ModerationMode,
  PanelRole,
  ParticipantGroup,
  QuestionChannel,
  QuestionStatus,
  RejectReason,
  Role,
  SessionStatus,
} from './enums';
import { AUDIENCE_GROUPS } from '../constants';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const IsoDateTime = Type.String({ format: 'date-time' });

export const User = Type.Object({
  id: Id,
  username: Type.String(),
  displayName: Type.String(),
  role: Role,
  title: Nullable(Type.String()),
  disabled: Type.Boolean(),
  createdAt: IsoDateTime,
});
export type User = Static<typeof User>;

export const PanelMember = Type.Object({
  id: Id,
  name: Type.String(),
  title: Nullable(Type.String()),
  agency: Nullable(Type.String()),
  /** chair, secretary or member: the chair's and the secretary's names go under the minutes' signatures. */
  role: PanelRole,
  userId: Nullable(Id),
});
export type PanelMember = Static<typeof PanelMember>;

export const Session = Type.Object({
  id: Id,
  title: Type.String(),
  audience: Type.String(),
  description: Nullable(Type.String()),
  place: Nullable(Type.String()),
  startsAt: IsoDateTime,
  status: SessionStatus,
  code: Type.String(),
  moderation: ModerationMode,
  anonymousAllowed: Type.Boolean(),
  maxQuestionLength: Type.Integer(),
  preSubmissionOpensAt: Nullable(IsoDateTime),
  chair: Nullable(Type.String()),
  secretary: Nullable(Type.String()),
  panel: Type.Array(PanelMember),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  /** Raised by every change: a phone keeps the higher one (two nodes' messages can arrive in either order). */
  version: Type.Integer({ minimum: 0 }),
  startedAt: Nullable(IsoDateTime),
  closedAt: Nullable(IsoDateTime),
  /** People in the hall as the secretary counted them; null until entered. */
  attendance: Nullable(Type.Integer()),
  /** The chair's closing remarks, for the minutes. */
  closingRemarks: Nullable(Type.String()),
  /** Participants' contact details are erased this many days after the session closed. */
  retentionDays: Type.Integer(),
  /** When they will be erased (null while the session is not closed). */
  contactsEraseAt: Nullable(IsoDateTime),
  /** When they were erased, once done. */
  contactsErasedAt: Nullable(IsoDateTime),
  /** The organising unit: document headers and numbers come from it. */
  unitId: Nullable(Id),
  /** Who the dialogue is with (carry-over between dialogues, statutory deadlines). */
  audienceGroup: Nullable(Type.Enum(AUDIENCE_GROUPS)),
  /** Statutory checklist dates (YYYY-MM-DD). */
  planPublishedAt: Nullable(Type.String()),
  announcedAt: Nullable(Type.String()),
  resultsPublishedAt: Nullable(Type.String()),
});
export type Session = Static<typeof Session>;

/** What a join code opens, before joining (anyone): enough to know it is the right hall. Drafts are not shown. */
export const JoinPreview = Type.Object({
  sessionId: Id,
  title: Type.String(),
  audience: Type.String(),
  place: Nullable(Type.String()),
  startsAt: IsoDateTime,
  status: SessionStatus,
  /** open, live or paused: the join form can be sent. */
  joinable: Type.Boolean(),
  /** closed or archived: its public record is at /public/{sessionId}. */
  ended: Type.Boolean(),
});
export type JoinPreview = Static<typeof JoinPreview>;

export const Answer = Type.Object({
  id: Id,
  questionId: Id,
  kind: AnswerKind,
  text: Type.String(),
  answeredBy: Nullable(Type.String()),
  /** The panel seat that answered, when it was a panel member. */
  panelSeatId: Type.Optional(Nullable(Id)),
  createdAt: IsoDateTime,
  publishedAt: Nullable(IsoDateTime),
});
export type Answer = Static<typeof Answer>;

export const Commitment = Type.Object({
  id: Id,
  questionId: Id,
  text: Type.String(),
  agency: Type.String(),
  deadline: Nullable(Type.String()),
  status: CommitmentStatus,
  createdAt: IsoDateTime,
});
export type Commitment = Static<typeof Commitment>;

export const FollowUp = Type.Object({
  id: Id,
  questionId: Id,
  sessionId: Id,
  /** The lead body. */
  agency: Type.String(),
  /** Bodies that support the lead (phối hợp). */
  supportingAgencies: Type.Array(Type.String()),
  deadline: Type.String(),
  status: FollowUpStatus,
  overdue: Type.Boolean(),
  publishedAt: Nullable(IsoDateTime),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type FollowUp = Static<typeof FollowUp>;

/** Moderator aids attached to a question for staff only. */
export const QuestionFlags = Type.Object({
  abusive: Type.Boolean(),
  duplicateOf: Type.Array(Id),
});
export type QuestionFlags = Static<typeof QuestionFlags>;

/**
 * A question as its receiver may see it. Fields after `answers` are present
 * only for staff (or, for `trackingCode` and `mine`, for the author).
 */
export const Question = Type.Object({
  id: Id,
  /** 1, 2, 3… within the session: the number said aloud and printed in the minutes. */
  number: Type.Integer({ minimum: 0 }),
  sessionId: Id,
  text: Type.String(),
  status: QuestionStatus,
  anonymous: Type.Boolean(),
  /** `app` (the phone page), `floor`, `paper`, `hotline` (taken on someone's behalf) or `sms`. */
  channel: QuestionChannel,
  /** The linked venue it was asked in; null: the main hall. */
  venueId: Nullable(Id),
  authorName: Nullable(Type.String()),
  locality: Nullable(Type.String()),
  group: Nullable(ParticipantGroup),
  topic: Nullable(Type.String()),
  assignee: Nullable(Type.String()),
  agency: Nullable(Type.String()),
  pinned: Type.Boolean(),
  votes: Type.Integer(),
  mergedIntoId: Nullable(Id),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  /** Raised by every change but its vote count (which tallies carry): a phone keeps the higher one. */
  version: Type.Integer({ minimum: 0 }),
  answeredAt: Nullable(IsoDateTime),
  /** The field (lĩnh vực) it is classified in (staff only): the desk sets it, its opinion follows. */
  fieldId: Type.Optional(Nullable(Id)),
  /** When it was last put on stage (null: never); the desk counts each venue's turns with it. */
  stagedAt: Type.Optional(Nullable(IsoDateTime)),
  answers: Type.Array(Answer),
  commitments: Type.Array(Commitment),
  followUp: Type.Optional(Nullable(FollowUp)),
  trackingCode: Type.Optional(Type.String()),
  mine: Type.Optional(Type.Boolean()),
  originalText: Type.Optional(Nullable(Type.String())),
  rejectReason: Type.Optional(Nullable(RejectReason)),
  /** The moderator's words for a rejection with reason "other" (author and staff only). */
  rejectNote: Type.Optional(Nullable(Type.String())),
  participantId: Type.Optional(Id),
  briefingNote: Type.Optional(Nullable(Type.String())),
  flags: Type.Optional(QuestionFlags),
});
export type Question = Static<typeof Question>;

export const ParticipantView = Type.Object({
  id: Id,
  sessionId: Id,
  venueId: Type.Optional(Nullable(Id)),
  displayName: Nullable(Type.String()),
  locality: Nullable(Type.String()),
  /** Official code of the locality when it was chosen from the list (GET /api/localities). */
  localityCode: Type.Optional(Nullable(Type.String())),
  group: Nullable(ParticipantGroup),
});
export type ParticipantView = Static<typeof ParticipantView>;

/** A linked hall (điểm cầu) of a session, with its own join code. */
export const Venue = Type.Object({
  id: Id,
  sessionId: Id,
  name: Type.String(),
  locality: Nullable(Type.String()),
  code: Type.String(),
  attendance: Nullable(Type.Integer()),
  createdAt: IsoDateTime,
});
export type Venue = Static<typeof Venue>;
