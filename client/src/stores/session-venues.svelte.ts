import type { Venue } from '../../../shared/schemas/entities';
import { api } from '../lib/api';
import { getAuth, getI18n } from '../lib/context';

/**
 * The linked venues (điểm cầu) of a session for a staff view, and the one the
 * signed-in user is limited to (a venue moderator), if any. `label` names a
 * question's venue the way every desk shows it: nothing in a one-hall
 * session, "Hội trường chính" for the main hall otherwise. Call during
 * component initialisation.
 */
export function sessionVenues(sessionId: () => number): {
  readonly list: Venue[];
  /** The venue id the user is limited to, known before the list is. */
  readonly mineId: number | null;
  readonly mine: Venue | null;
  label(venueId: number | null): string | null;
} {
  const auth = getAuth();
  const { t } = getI18n();
  let list = $state.raw<Venue[]>([]);
  let mineId = $state<number | null>(null);

  $effect(() => {
    const id = sessionId();
    const token = auth.token;
    if (!token || !Number.isInteger(id)) return;
    let stale = false;
    api<Venue[]>('GET', `/api/sessions/${id}/venues`, { token }).then(
      (v) => !stale && (list = v),
      () => !stale && (list = []),
    );
    api<{ venues?: { userId: number; venueId: number }[] }>('GET', `/api/sessions/${id}/staff`, { token }).then(
      (r) => !stale && (mineId = r.venues?.find((v) => v.userId === auth.user?.id)?.venueId ?? null),
      () => !stale && (mineId = null),
    );
    return () => {
      stale = true;
    };
  });

  return {
    get list() {
      return list;
    },
    get mineId() {
      return mineId;
    },
    get mine() {
      return mineId === null ? null : (list.find((v) => v.id === mineId) ?? null);
    },
    label(venueId: number | null): string | null {
      if (list.length === 0) return null;
      return venueId === null ? t('venue.main') : (list.find((v) => v.id === venueId)?.name ?? null);
    },
  };
}
