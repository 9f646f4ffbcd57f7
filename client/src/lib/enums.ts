// Plain lists from shared/constants.ts (no TypeBox: they stay out of the phone bundle's weight).
export {
  PARTICIPANT_GROUPS as GROUPS,
  REJECT_REASONS as REASONS,
  ROLES,
  MODERATION_MODES as MODES,
  SESSION_MOVES as NEXT_STATUSES,
} from '../../../shared/constants';
