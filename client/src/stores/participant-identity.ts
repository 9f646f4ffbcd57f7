import type { ParticipantView, Session } from '../../../shared/schemas/entities';
import type { ParticipantGroup } from '../../../shared/schemas/enums';

/** What a reload needs to keep being the same participant of a session. */
export interface ParticipantIdentity {
  token: string;
  participantId: number;
  sessionId: number;
  sessionTitle: string;
}

const key = (code: string) => `ln:p:${code.toUpperCase()}`;

export function loadIdentity(code: string): ParticipantIdentity | null {
  try {
    const raw = localStorage.getItem(key(code));
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<ParticipantIdentity>;
    return typeof v.token === 'string' && typeof v.sessionId === 'number' && typeof v.participantId === 'number'
      ? (v as ParticipantIdentity)
      : null;
  } catch {
    return null;
  }
}

export function saveIdentity(code: string, res: { token: string; participant: ParticipantView; session: Session }): ParticipantIdentity {
  const id: ParticipantIdentity = {
    token: res.token,
    participantId: res.participant.id,
    sessionId: res.session.id,
    sessionTitle: res.session.title,
  };
  try {
    localStorage.setItem(key(code), JSON.stringify(id));
  } catch {
    // private mode: identity lasts until the tab closes
  }
  return id;
}

export function forgetIdentity(code: string): void {
  try {
    localStorage.removeItem(key(code));
  } catch {
    // nothing stored
  }
}

/** Join codes as people type them: lower case, spaces, a dash. */
export const normalizeCode = (input: string): string => input.toUpperCase().replace(/[\s-]/g, '');
/** Loose on purpose: the server says whether a code exists. */
export const CODE_PATTERN = /^[A-Z0-9]{6}$/;

/** The public part of a profile, offered again when this device joins another session. */
export interface SavedProfile {
  displayName: string;
  locality: string;
  /** Code of the official unit when the locality was chosen from the list. */
  localityCode: string | null;
  group: ParticipantGroup | '';
}

const PROFILE_KEY = 'ln:profile';
const GROUPS: readonly string[] = ['youth', 'farmer', 'worker', 'business', 'other'];

export function loadProfile(): SavedProfile {
  try {
    const v = JSON.parse(localStorage.getItem(PROFILE_KEY) ?? '{}') as Partial<Record<keyof SavedProfile, unknown>>;
    return {
      displayName: typeof v.displayName === 'string' ? v.displayName : '',
      locality: typeof v.locality === 'string' ? v.locality : '',
      localityCode: typeof v.localityCode === 'string' && /^[0-9]{2}([0-9]{3})?$/.test(v.localityCode) ? v.localityCode : null,
      group: typeof v.group === 'string' && GROUPS.includes(v.group) ? (v.group as ParticipantGroup) : '',
    };
  } catch {
    return { displayName: '', locality: '', localityCode: null, group: '' };
  }
}

export function saveProfile(p: SavedProfile): void {
  try {
    localStorage.setItem(PROFILE_KEY, JSON.stringify(p));
  } catch {
    // storage unavailable: nothing to remember
  }
}
