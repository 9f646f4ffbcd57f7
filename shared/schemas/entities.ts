import { Type, type Static } from 'typebox';
import {
  AnswerKind,
  CommitmentStatus,
  FollowUpStatus,
  Id,
  ModerationMode,
  ParticipantGroup,
  QuestionStatus,
  RejectReason,
  Role,
  SessionStatus,
} from './enums';

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
  startedAt: Nullable(IsoDateTime),
  closedAt: Nullable(IsoDateTime),
});
export type Session = Static<typeof Session>;

export const Answer = Type.Object({
  id: Id,
  questionId: Id,
  kind: AnswerKind,
  text: Type.String(),
  answeredBy: Nullable(Type.String()),
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
  agency: Type.String(),
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
  sessionId: Id,
  text: Type.String(),
  status: QuestionStatus,
  anonymous: Type.Boolean(),
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
  answeredAt: Nullable(IsoDateTime),
  answers: Type.Array(Answer),
  commitments: Type.Array(Commitment),
  followUp: Type.Optional(Nullable(FollowUp)),
  trackingCode: Type.Optional(Type.String()),
  mine: Type.Optional(Type.Boolean()),
  originalText: Type.Optional(Nullable(Type.String())),
  rejectReason: Type.Optional(Nullable(RejectReason)),
  participantId: Type.Optional(Id),
  briefingNote: Type.Optional(Nullable(Type.String())),
  flags: Type.Optional(QuestionFlags),
});
export type Question = Static<typeof Question>;

export const ParticipantView = Type.Object({
  id: Id,
  sessionId: Id,
  displayName: Nullable(Type.String()),
  locality: Nullable(Type.String()),
  group: Nullable(ParticipantGroup),
});
export type ParticipantView = Static<typeof ParticipantView>;
