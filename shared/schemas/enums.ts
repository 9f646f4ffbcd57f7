import { Type, type Static } from 'typebox';
import {
  ANSWER_KINDS,
  AUTHORITY_MODES,
  COMMITMENT_STATUSES,
  FOLLOW_UP_STATUSES,
  MODERATION_ACTIONS,
  MODERATION_MODES,
  PANEL_ROLES,
  PARTICIPANT_GROUPS,
  QUESTION_CHANNELS,
  QUESTION_STATUSES,
  REJECT_REASONS,
  ROLES,
  SESSION_STATUSES,
  TAKEN_CHANNELS,
} from '../constants';

export * from '../constants';

export const Role = Type.Enum(ROLES);
export type Role = (typeof ROLES)[number];

export const SessionStatus = Type.Enum(SESSION_STATUSES);
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const ModerationMode = Type.Enum(MODERATION_MODES);
export type ModerationMode = (typeof MODERATION_MODES)[number];

export const ParticipantGroup = Type.Enum(PARTICIPANT_GROUPS);
export type ParticipantGroup = (typeof PARTICIPANT_GROUPS)[number];

export const QuestionStatus = Type.Enum(QUESTION_STATUSES);
export type QuestionStatus = (typeof QUESTION_STATUSES)[number];

/** Statuses everyone in the session may see. */
export const PUBLIC_QUESTION_STATUSES: readonly QuestionStatus[] = [
  'approved',
  'on_stage',
  'answered',
  'deferred',
];

export const RejectReason = Type.Enum(REJECT_REASONS);
export type RejectReason = (typeof REJECT_REASONS)[number];

export const AnswerKind = Type.Enum(ANSWER_KINDS);
export type AnswerKind = (typeof ANSWER_KINDS)[number];

export const FollowUpStatus = Type.Enum(FOLLOW_UP_STATUSES);
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

export const CommitmentStatus = Type.Enum(COMMITMENT_STATUSES);
export type CommitmentStatus = (typeof COMMITMENT_STATUSES)[number];

export const ModerationAction = Type.Enum(MODERATION_ACTIONS);
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

export const PanelRole = Type.Enum(PANEL_ROLES);
export type PanelRole = (typeof PANEL_ROLES)[number];

export const AuthorityMode = Type.Enum(AUTHORITY_MODES);
export type AuthorityMode = (typeof AUTHORITY_MODES)[number];

export type Id = Static<typeof Id>;
/** The largest id or count a column holds on either engine (PostgreSQL's integer). */
export const MAX_INT32 = 2_147_483_647;
export const Id = Type.Integer({ minimum: 1, maximum: MAX_INT32 });

export const QuestionChannel = Type.Enum(QUESTION_CHANNELS);
export type QuestionChannel = (typeof QUESTION_CHANNELS)[number];
export const TakenChannel = Type.Enum(TAKEN_CHANNELS);
export type TakenChannel = (typeof TAKEN_CHANNELS)[number];
