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
/** A seat on a session's panel: the chair and the secretary sign the minutes. */
export const PANEL_ROLES = ['chair', 'secretary', 'member'] as const;
/** On whose authority a notice is signed (Decree 30/2020, Appendix I): thay mặt, thừa lệnh, ký thay. */
export const AUTHORITY_MODES = ['TM', 'TL', 'KT'] as const;
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
  'classify',
] as const;

/** A venue moderator screens its venue's questions; the stage and what follows belong to the central desk. */
export const VENUE_MODERATOR_ACTIONS: readonly (typeof MODERATION_ACTIONS)[number][] = ['approve', 'reject', 'edit', 'merge', 'tag', 'assign', 'note', 'classify'];

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

/** Where a question came from: the phone page, or taken on someone's behalf (floor, paper slip, hotline), or an SMS. */
export const QUESTION_CHANNELS = ['app', 'floor', 'paper', 'hotline', 'sms'] as const;
/** The channels a moderator or secretary enters a question for someone. */
export const TAKEN_CHANNELS = ['floor', 'paper', 'hotline'] as const;

/** Organising units (the body named in document headers). */
export const UNIT_LEVELS = ['province', 'commune', 'agency'] as const;
/** Channels of an opinion entered by the secretariat, outside a live session. */
export const OPINION_ENTRY_CHANNELS = ['reception', 'forum', 'letter', 'hotline', 'online', 'other'] as const;
/** Every channel an opinion can have: a session's questions keep theirs. */
export const OPINION_CHANNELS = ['app', 'floor', 'paper', 'hotline', 'sms', 'reception', 'forum', 'letter', 'online', 'other'] as const;
/** Competent level (cấp có thẩm quyền). */
export const OPINION_LEVELS = ['central', 'province', 'commune', 'other'] as const;
/** "Answered" and "resolved" are different things: an explanation is an answer, not a resolution. */
export const OPINION_OUTCOMES = ['resolved', 'in_progress', 'explained', 'unresolved', 'transferred'] as const;
/** Who a dialogue is with, for carry-over between dialogues and the statutory deadlines (youth: Youth Law art. 10). */
export const AUDIENCE_GROUPS = ['youth', 'farmer', 'worker', 'business', 'front', 'other'] as const;

/**
 * How long a phone holds a live message that came early, waiting for the
 * numbers before it. With several server nodes, a message from the phone's
 * own node can overtake ones another node sent a moment before (they travel
 * through Redis): a reordering, not a loss, and it must not cost a snapshot.
 */
export const GAP_WAIT_MS = 500;
