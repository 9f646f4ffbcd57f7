/**
 * The domain's value lists and the session lifecycle, as plain constants with
 * no imports: the phone bundle can use them without pulling in TypeBox
 * (shared/schemas/enums.ts builds the schemas from these).
 */
export const ROLES = ['admin', 'moderator', 'leader', 'secretary'] as const;
export const SESSION_STATUSES = ['draft', 'open', 'live', 'paused', 'closed', 'archived'] as const;
export const MODERATION_MODES = ['pre', 'post'] as const;
export const PARTICIPANT_GROUPS = ['youth', 'farmer', 'worker', 'business', 'other'] as const;
export const QUESTION_STATUSES = ['pending', 'approved', 'rejected', 'on_stage', 'answered', 'deferred', 'merged', 'withdrawn'] as const;
export const REJECT_REASONS = ['duplicate', 'off_topic', 'abusive', 'personal_data', 'other'] as const;
export const ANSWER_KINDS = ['live', 'written'] as const;
export const FOLLOW_UP_STATUSES = ['assigned', 'in_progress', 'answered'] as const;
export const COMMITMENT_STATUSES = ['open', 'in_progress', 'done'] as const;
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

type SessionStatusValue = (typeof SESSION_STATUSES)[number];

/** Lifecycle: draft → open → live ⇄ paused; open, live or paused → closed → archived. */
export const SESSION_MOVES: Record<SessionStatusValue, readonly SessionStatusValue[]> = {
  draft: ['open'],
  open: ['live', 'closed'],
  live: ['paused', 'closed'],
  paused: ['live', 'closed'],
  closed: ['archived'],
  archived: [],
};
