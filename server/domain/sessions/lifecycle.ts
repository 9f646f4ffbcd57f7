import { SESSION_MOVES } from '../../../shared/constants';
import type { SessionStatus } from '../../../shared/schemas/enums';

export const canMove = (from: SessionStatus, to: SessionStatus): boolean => SESSION_MOVES[from].includes(to);

/** Citizens may join and follow the session. */
export const isJoinable = (s: SessionStatus): boolean => s === 'open' || s === 'live' || s === 'paused';
/** Questions may be submitted (pre-submission while open, and live). */
export const acceptsQuestions = (s: SessionStatus): boolean => s === 'open' || s === 'live';
/** Votes are cast while the session is open or live. */
export const acceptsVotes = (s: SessionStatus): boolean => s === 'open' || s === 'live';
/** The stage and the live queue move only before the session is closed. */
export const isActive = (s: SessionStatus): boolean => s === 'open' || s === 'live' || s === 'paused';
