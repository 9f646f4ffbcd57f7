import type { Role } from '../../shared/schemas/enums';
import { DomainError } from './errors';

/** Who is acting. Services authorize on this, never on transport details. */
export type Actor =
  | { kind: 'staff'; userId: number; role: Role; displayName: string }
  | { kind: 'participant'; participantId: number; sessionId: number }
  | { kind: 'anonymous' }
  | { kind: 'system' };

export type StaffActor = Extract<Actor, { kind: 'staff' }>;
export type ParticipantActor = Extract<Actor, { kind: 'participant' }>;

export const SYSTEM: Actor = { kind: 'system' };

export function requireStaff(actor: Actor, roles?: readonly Role[]): StaffActor {
  if (actor.kind !== 'staff') {
    throw new DomainError(actor.kind === 'anonymous' ? 'UNAUTHORIZED' : 'FORBIDDEN', 'staff only');
  }
  if (roles && !roles.includes(actor.role)) throw new DomainError('FORBIDDEN', `needs role ${roles.join(' or ')}`);
  return actor;
}

export function requireParticipant(actor: Actor, sessionId?: number): ParticipantActor {
  if (actor.kind === 'anonymous') throw new DomainError('UNAUTHORIZED', 'join the session first');
  if (actor.kind !== 'participant') throw new DomainError('FORBIDDEN', 'participants only');
  if (sessionId !== undefined && actor.sessionId !== sessionId) {
    throw new DomainError('WRONG_SESSION', 'this token belongs to another session');
  }
  return actor;
}

export const isStaff = (actor: Actor, roles?: readonly Role[]): actor is StaffActor =>
  actor.kind === 'staff' && (!roles || roles.includes(actor.role));

export const actorRef = (actor: Actor): { actorKind: 'staff' | 'participant' | 'system' | 'anonymous'; actorId: number | null } => {
  switch (actor.kind) {
    case 'staff':
      return { actorKind: 'staff', actorId: actor.userId };
    case 'participant':
      return { actorKind: 'participant', actorId: actor.participantId };
    default:
      return { actorKind: actor.kind, actorId: null };
  }
};
