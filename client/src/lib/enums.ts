import type { ModerationMode, ParticipantGroup, RejectReason, Role, SessionStatus } from '../../../shared/schemas/enums';

// The shared enum module builds TypeBox schemas at load time; the client only
// needs the lists, so they are restated here and checked against shared:
// a value missing or added on either side is a compile error.
const all =
  <T extends string>() =>
  <const A extends readonly T[]>(list: A & ([T] extends [A[number]] ? unknown : never)): A =>
    list;

export const GROUPS = all<ParticipantGroup>()(['youth', 'farmer', 'worker', 'business', 'other']);
export const REASONS = all<RejectReason>()(['duplicate', 'off_topic', 'abusive', 'personal_data', 'other']);
export const ROLES = all<Role>()(['admin', 'moderator', 'leader', 'secretary']);
export const MODES = all<ModerationMode>()(['pre', 'post']);

/** Lifecycle moves an admin can make from each status (mirrors the server's table). */
export const NEXT_STATUSES: Record<SessionStatus, readonly SessionStatus[]> = {
  draft: ['open'],
  open: ['live', 'closed'],
  live: ['paused', 'closed'],
  paused: ['live', 'closed'],
  closed: ['archived'],
  archived: [],
};
