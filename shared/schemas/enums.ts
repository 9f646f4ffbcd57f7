import { Type, type Static } from 'typebox';

export const ROLES = ['admin', 'moderator', 'leader', 'secretary'] as const;
export const Role = Type.Enum(ROLES);
export type Role = (typeof ROLES)[number];

export const SESSION_STATUSES = ['draft', 'open', 'live', 'paused', 'closed', 'archived'] as const;
export const SessionStatus = Type.Enum(SESSION_STATUSES);
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const MODERATION_MODES = ['pre', 'post'] as const;
export const ModerationMode = Type.Enum(MODERATION_MODES);
export type ModerationMode = (typeof MODERATION_MODES)[number];

export const PARTICIPANT_GROUPS = ['youth', 'farmer', 'worker', 'business', 'other'] as const;
export const ParticipantGroup = Type.Enum(PARTICIPANT_GROUPS);
export type ParticipantGroup = (typeof PARTICIPANT_GROUPS)[number];

export const QUESTION_STATUSES = [
  'pending',
  'approved',
  'rejected',
  'on_stage',
  'answered',
  'deferred',
  'merged',
  'withdrawn',
] as const;
export const QuestionStatus = Type.Enum(QUESTION_STATUSES);
export type QuestionStatus = (typeof QUESTION_STATUSES)[number];

/** Statuses everyone in the session may see. */
export const PUBLIC_QUESTION_STATUSES: readonly QuestionStatus[] = [
  'approved',
  'on_stage',
  'answered',
  'deferred',
];

export const REJECT_REASONS = ['duplicate', 'off_topic', 'abusive', 'personal_data', 'other'] as const;
export const RejectReason = Type.Enum(REJECT_REASONS);
export type RejectReason = (typeof REJECT_REASONS)[number];

export const ANSWER_KINDS = ['live', 'written'] as const;
export const AnswerKind = Type.Enum(ANSWER_KINDS);
export type AnswerKind = (typeof ANSWER_KINDS)[number];

export const FOLLOW_UP_STATUSES = ['assigned', 'in_progress', 'answered'] as const;
export const FollowUpStatus = Type.Enum(FOLLOW_UP_STATUSES);
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

export const COMMITMENT_STATUSES = ['open', 'in_progress', 'done'] as const;
export const CommitmentStatus = Type.Enum(COMMITMENT_STATUSES);
export type CommitmentStatus = (typeof COMMITMENT_STATUSES)[number];

export const MODERATION_ACTIONS = [
  'approve',
  'reject',
  'edit',
  'merge',
  'tag',
  'assign',
  'pin',
  'unpin',
  'stage',
  'unstage',
  'answered',
  'defer',
  'note',
] as const;
export const ModerationAction = Type.Enum(MODERATION_ACTIONS);
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

export type Id = Static<typeof Id>;
export const Id = Type.Integer({ minimum: 1 });
